<?php
// php-symlink.php - the site code of tests/php-fpm.sh, run by php-fpm:
// symlink(target, link) with the query string's two values, then one
// line: "ok PID" or "false PID MESSAGE" (PID: the worker that ran it,
// MESSAGE: PHP's warning, e.g. "symlink(): Operation not permitted").
$target = $_GET['target'] ?? '';
$link = $_GET['link'] ?? '';
$ok = @symlink($target, $link);
$err = error_get_last();
echo $ok ? 'ok' : 'false', ' ', getmypid();
if (!$ok)
	echo ' ', $err['message'] ?? '(no message)';
echo "\n";
