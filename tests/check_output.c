/* check_output.c - unit tests for output.c (text and JSON writers) and
 * event.c.
 *
 * The escaping reference table below was produced by the real strace
 * (strace 6.1): for every byte value B and each suffix S in
 * { "", "0", "7", "8", "9", "a", "\1" } a write(2) of B followed by S was
 * traced with "strace -e trace=write -s 9999" and the quoted argument
 * copied here (C-escaped).  escape_str() must reproduce it exactly. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errnoname.h"
#include "event.h"
#include "journal.h"
#include "output.h"
#include "jsonref.h"
#include "policy.h"
#include "util.h"

static const char *const strace_suffix[7] = {
	"", "0", "7", "8", "9", "a", "\1",
};

/* strace_ref[B][k]: strace's quoting of B + strace_suffix[k], quotes
 * stripped. */
static const char *const strace_ref[256][7] = {
	{"\\0", "\\0000", "\\0007", "\\08", "\\09", "\\0a", "\\0\\1"},
	{"\\1", "\\0010", "\\0017", "\\18", "\\19", "\\1a", "\\1\\1"},
	{"\\2", "\\0020", "\\0027", "\\28", "\\29", "\\2a", "\\2\\1"},
	{"\\3", "\\0030", "\\0037", "\\38", "\\39", "\\3a", "\\3\\1"},
	{"\\4", "\\0040", "\\0047", "\\48", "\\49", "\\4a", "\\4\\1"},
	{"\\5", "\\0050", "\\0057", "\\58", "\\59", "\\5a", "\\5\\1"},
	{"\\6", "\\0060", "\\0067", "\\68", "\\69", "\\6a", "\\6\\1"},
	{"\\7", "\\0070", "\\0077", "\\78", "\\79", "\\7a", "\\7\\1"},
	{"\\10", "\\0100", "\\0107", "\\108", "\\109", "\\10a", "\\10\\1"},
	{"\\t", "\\t0", "\\t7", "\\t8", "\\t9", "\\ta", "\\t\\1"},
	{"\\n", "\\n0", "\\n7", "\\n8", "\\n9", "\\na", "\\n\\1"},
	{"\\v", "\\v0", "\\v7", "\\v8", "\\v9", "\\va", "\\v\\1"},
	{"\\f", "\\f0", "\\f7", "\\f8", "\\f9", "\\fa", "\\f\\1"},
	{"\\r", "\\r0", "\\r7", "\\r8", "\\r9", "\\ra", "\\r\\1"},
	{"\\16", "\\0160", "\\0167", "\\168", "\\169", "\\16a", "\\16\\1"},
	{"\\17", "\\0170", "\\0177", "\\178", "\\179", "\\17a", "\\17\\1"},
	{"\\20", "\\0200", "\\0207", "\\208", "\\209", "\\20a", "\\20\\1"},
	{"\\21", "\\0210", "\\0217", "\\218", "\\219", "\\21a", "\\21\\1"},
	{"\\22", "\\0220", "\\0227", "\\228", "\\229", "\\22a", "\\22\\1"},
	{"\\23", "\\0230", "\\0237", "\\238", "\\239", "\\23a", "\\23\\1"},
	{"\\24", "\\0240", "\\0247", "\\248", "\\249", "\\24a", "\\24\\1"},
	{"\\25", "\\0250", "\\0257", "\\258", "\\259", "\\25a", "\\25\\1"},
	{"\\26", "\\0260", "\\0267", "\\268", "\\269", "\\26a", "\\26\\1"},
	{"\\27", "\\0270", "\\0277", "\\278", "\\279", "\\27a", "\\27\\1"},
	{"\\30", "\\0300", "\\0307", "\\308", "\\309", "\\30a", "\\30\\1"},
	{"\\31", "\\0310", "\\0317", "\\318", "\\319", "\\31a", "\\31\\1"},
	{"\\32", "\\0320", "\\0327", "\\328", "\\329", "\\32a", "\\32\\1"},
	{"\\33", "\\0330", "\\0337", "\\338", "\\339", "\\33a", "\\33\\1"},
	{"\\34", "\\0340", "\\0347", "\\348", "\\349", "\\34a", "\\34\\1"},
	{"\\35", "\\0350", "\\0357", "\\358", "\\359", "\\35a", "\\35\\1"},
	{"\\36", "\\0360", "\\0367", "\\368", "\\369", "\\36a", "\\36\\1"},
	{"\\37", "\\0370", "\\0377", "\\378", "\\379", "\\37a", "\\37\\1"},
	{" ", " 0", " 7", " 8", " 9", " a", " \\1"},
	{"!", "!0", "!7", "!8", "!9", "!a", "!\\1"},
	{"\\\"", "\\\"0", "\\\"7", "\\\"8", "\\\"9", "\\\"a", "\\\"\\1"},
	{"#", "#0", "#7", "#8", "#9", "#a", "#\\1"},
	{"$", "$0", "$7", "$8", "$9", "$a", "$\\1"},
	{"%", "%0", "%7", "%8", "%9", "%a", "%\\1"},
	{"&", "&0", "&7", "&8", "&9", "&a", "&\\1"},
	{"'", "'0", "'7", "'8", "'9", "'a", "'\\1"},
	{"(", "(0", "(7", "(8", "(9", "(a", "(\\1"},
	{")", ")0", ")7", ")8", ")9", ")a", ")\\1"},
	{"*", "*0", "*7", "*8", "*9", "*a", "*\\1"},
	{"+", "+0", "+7", "+8", "+9", "+a", "+\\1"},
	{",", ",0", ",7", ",8", ",9", ",a", ",\\1"},
	{"-", "-0", "-7", "-8", "-9", "-a", "-\\1"},
	{".", ".0", ".7", ".8", ".9", ".a", ".\\1"},
	{"/", "/0", "/7", "/8", "/9", "/a", "/\\1"},
	{"0", "00", "07", "08", "09", "0a", "0\\1"},
	{"1", "10", "17", "18", "19", "1a", "1\\1"},
	{"2", "20", "27", "28", "29", "2a", "2\\1"},
	{"3", "30", "37", "38", "39", "3a", "3\\1"},
	{"4", "40", "47", "48", "49", "4a", "4\\1"},
	{"5", "50", "57", "58", "59", "5a", "5\\1"},
	{"6", "60", "67", "68", "69", "6a", "6\\1"},
	{"7", "70", "77", "78", "79", "7a", "7\\1"},
	{"8", "80", "87", "88", "89", "8a", "8\\1"},
	{"9", "90", "97", "98", "99", "9a", "9\\1"},
	{":", ":0", ":7", ":8", ":9", ":a", ":\\1"},
	{";", ";0", ";7", ";8", ";9", ";a", ";\\1"},
	{"<", "<0", "<7", "<8", "<9", "<a", "<\\1"},
	{"=", "=0", "=7", "=8", "=9", "=a", "=\\1"},
	{">", ">0", ">7", ">8", ">9", ">a", ">\\1"},
	{"?", "?0", "?7", "?8", "?9", "?a", "?\\1"},
	{"@", "@0", "@7", "@8", "@9", "@a", "@\\1"},
	{"A", "A0", "A7", "A8", "A9", "Aa", "A\\1"},
	{"B", "B0", "B7", "B8", "B9", "Ba", "B\\1"},
	{"C", "C0", "C7", "C8", "C9", "Ca", "C\\1"},
	{"D", "D0", "D7", "D8", "D9", "Da", "D\\1"},
	{"E", "E0", "E7", "E8", "E9", "Ea", "E\\1"},
	{"F", "F0", "F7", "F8", "F9", "Fa", "F\\1"},
	{"G", "G0", "G7", "G8", "G9", "Ga", "G\\1"},
	{"H", "H0", "H7", "H8", "H9", "Ha", "H\\1"},
	{"I", "I0", "I7", "I8", "I9", "Ia", "I\\1"},
	{"J", "J0", "J7", "J8", "J9", "Ja", "J\\1"},
	{"K", "K0", "K7", "K8", "K9", "Ka", "K\\1"},
	{"L", "L0", "L7", "L8", "L9", "La", "L\\1"},
	{"M", "M0", "M7", "M8", "M9", "Ma", "M\\1"},
	{"N", "N0", "N7", "N8", "N9", "Na", "N\\1"},
	{"O", "O0", "O7", "O8", "O9", "Oa", "O\\1"},
	{"P", "P0", "P7", "P8", "P9", "Pa", "P\\1"},
	{"Q", "Q0", "Q7", "Q8", "Q9", "Qa", "Q\\1"},
	{"R", "R0", "R7", "R8", "R9", "Ra", "R\\1"},
	{"S", "S0", "S7", "S8", "S9", "Sa", "S\\1"},
	{"T", "T0", "T7", "T8", "T9", "Ta", "T\\1"},
	{"U", "U0", "U7", "U8", "U9", "Ua", "U\\1"},
	{"V", "V0", "V7", "V8", "V9", "Va", "V\\1"},
	{"W", "W0", "W7", "W8", "W9", "Wa", "W\\1"},
	{"X", "X0", "X7", "X8", "X9", "Xa", "X\\1"},
	{"Y", "Y0", "Y7", "Y8", "Y9", "Ya", "Y\\1"},
	{"Z", "Z0", "Z7", "Z8", "Z9", "Za", "Z\\1"},
	{"[", "[0", "[7", "[8", "[9", "[a", "[\\1"},
	{"\\\\", "\\\\0", "\\\\7", "\\\\8", "\\\\9", "\\\\a", "\\\\\\1"},
	{"]", "]0", "]7", "]8", "]9", "]a", "]\\1"},
	{"^", "^0", "^7", "^8", "^9", "^a", "^\\1"},
	{"_", "_0", "_7", "_8", "_9", "_a", "_\\1"},
	{"`", "`0", "`7", "`8", "`9", "`a", "`\\1"},
	{"a", "a0", "a7", "a8", "a9", "aa", "a\\1"},
	{"b", "b0", "b7", "b8", "b9", "ba", "b\\1"},
	{"c", "c0", "c7", "c8", "c9", "ca", "c\\1"},
	{"d", "d0", "d7", "d8", "d9", "da", "d\\1"},
	{"e", "e0", "e7", "e8", "e9", "ea", "e\\1"},
	{"f", "f0", "f7", "f8", "f9", "fa", "f\\1"},
	{"g", "g0", "g7", "g8", "g9", "ga", "g\\1"},
	{"h", "h0", "h7", "h8", "h9", "ha", "h\\1"},
	{"i", "i0", "i7", "i8", "i9", "ia", "i\\1"},
	{"j", "j0", "j7", "j8", "j9", "ja", "j\\1"},
	{"k", "k0", "k7", "k8", "k9", "ka", "k\\1"},
	{"l", "l0", "l7", "l8", "l9", "la", "l\\1"},
	{"m", "m0", "m7", "m8", "m9", "ma", "m\\1"},
	{"n", "n0", "n7", "n8", "n9", "na", "n\\1"},
	{"o", "o0", "o7", "o8", "o9", "oa", "o\\1"},
	{"p", "p0", "p7", "p8", "p9", "pa", "p\\1"},
	{"q", "q0", "q7", "q8", "q9", "qa", "q\\1"},
	{"r", "r0", "r7", "r8", "r9", "ra", "r\\1"},
	{"s", "s0", "s7", "s8", "s9", "sa", "s\\1"},
	{"t", "t0", "t7", "t8", "t9", "ta", "t\\1"},
	{"u", "u0", "u7", "u8", "u9", "ua", "u\\1"},
	{"v", "v0", "v7", "v8", "v9", "va", "v\\1"},
	{"w", "w0", "w7", "w8", "w9", "wa", "w\\1"},
	{"x", "x0", "x7", "x8", "x9", "xa", "x\\1"},
	{"y", "y0", "y7", "y8", "y9", "ya", "y\\1"},
	{"z", "z0", "z7", "z8", "z9", "za", "z\\1"},
	{"{", "{0", "{7", "{8", "{9", "{a", "{\\1"},
	{"|", "|0", "|7", "|8", "|9", "|a", "|\\1"},
	{"}", "}0", "}7", "}8", "}9", "}a", "}\\1"},
	{"~", "~0", "~7", "~8", "~9", "~a", "~\\1"},
	{"\\177", "\\1770", "\\1777", "\\1778", "\\1779", "\\177a", "\\177\\1"},
	{"\\200", "\\2000", "\\2007", "\\2008", "\\2009", "\\200a", "\\200\\1"},
	{"\\201", "\\2010", "\\2017", "\\2018", "\\2019", "\\201a", "\\201\\1"},
	{"\\202", "\\2020", "\\2027", "\\2028", "\\2029", "\\202a", "\\202\\1"},
	{"\\203", "\\2030", "\\2037", "\\2038", "\\2039", "\\203a", "\\203\\1"},
	{"\\204", "\\2040", "\\2047", "\\2048", "\\2049", "\\204a", "\\204\\1"},
	{"\\205", "\\2050", "\\2057", "\\2058", "\\2059", "\\205a", "\\205\\1"},
	{"\\206", "\\2060", "\\2067", "\\2068", "\\2069", "\\206a", "\\206\\1"},
	{"\\207", "\\2070", "\\2077", "\\2078", "\\2079", "\\207a", "\\207\\1"},
	{"\\210", "\\2100", "\\2107", "\\2108", "\\2109", "\\210a", "\\210\\1"},
	{"\\211", "\\2110", "\\2117", "\\2118", "\\2119", "\\211a", "\\211\\1"},
	{"\\212", "\\2120", "\\2127", "\\2128", "\\2129", "\\212a", "\\212\\1"},
	{"\\213", "\\2130", "\\2137", "\\2138", "\\2139", "\\213a", "\\213\\1"},
	{"\\214", "\\2140", "\\2147", "\\2148", "\\2149", "\\214a", "\\214\\1"},
	{"\\215", "\\2150", "\\2157", "\\2158", "\\2159", "\\215a", "\\215\\1"},
	{"\\216", "\\2160", "\\2167", "\\2168", "\\2169", "\\216a", "\\216\\1"},
	{"\\217", "\\2170", "\\2177", "\\2178", "\\2179", "\\217a", "\\217\\1"},
	{"\\220", "\\2200", "\\2207", "\\2208", "\\2209", "\\220a", "\\220\\1"},
	{"\\221", "\\2210", "\\2217", "\\2218", "\\2219", "\\221a", "\\221\\1"},
	{"\\222", "\\2220", "\\2227", "\\2228", "\\2229", "\\222a", "\\222\\1"},
	{"\\223", "\\2230", "\\2237", "\\2238", "\\2239", "\\223a", "\\223\\1"},
	{"\\224", "\\2240", "\\2247", "\\2248", "\\2249", "\\224a", "\\224\\1"},
	{"\\225", "\\2250", "\\2257", "\\2258", "\\2259", "\\225a", "\\225\\1"},
	{"\\226", "\\2260", "\\2267", "\\2268", "\\2269", "\\226a", "\\226\\1"},
	{"\\227", "\\2270", "\\2277", "\\2278", "\\2279", "\\227a", "\\227\\1"},
	{"\\230", "\\2300", "\\2307", "\\2308", "\\2309", "\\230a", "\\230\\1"},
	{"\\231", "\\2310", "\\2317", "\\2318", "\\2319", "\\231a", "\\231\\1"},
	{"\\232", "\\2320", "\\2327", "\\2328", "\\2329", "\\232a", "\\232\\1"},
	{"\\233", "\\2330", "\\2337", "\\2338", "\\2339", "\\233a", "\\233\\1"},
	{"\\234", "\\2340", "\\2347", "\\2348", "\\2349", "\\234a", "\\234\\1"},
	{"\\235", "\\2350", "\\2357", "\\2358", "\\2359", "\\235a", "\\235\\1"},
	{"\\236", "\\2360", "\\2367", "\\2368", "\\2369", "\\236a", "\\236\\1"},
	{"\\237", "\\2370", "\\2377", "\\2378", "\\2379", "\\237a", "\\237\\1"},
	{"\\240", "\\2400", "\\2407", "\\2408", "\\2409", "\\240a", "\\240\\1"},
	{"\\241", "\\2410", "\\2417", "\\2418", "\\2419", "\\241a", "\\241\\1"},
	{"\\242", "\\2420", "\\2427", "\\2428", "\\2429", "\\242a", "\\242\\1"},
	{"\\243", "\\2430", "\\2437", "\\2438", "\\2439", "\\243a", "\\243\\1"},
	{"\\244", "\\2440", "\\2447", "\\2448", "\\2449", "\\244a", "\\244\\1"},
	{"\\245", "\\2450", "\\2457", "\\2458", "\\2459", "\\245a", "\\245\\1"},
	{"\\246", "\\2460", "\\2467", "\\2468", "\\2469", "\\246a", "\\246\\1"},
	{"\\247", "\\2470", "\\2477", "\\2478", "\\2479", "\\247a", "\\247\\1"},
	{"\\250", "\\2500", "\\2507", "\\2508", "\\2509", "\\250a", "\\250\\1"},
	{"\\251", "\\2510", "\\2517", "\\2518", "\\2519", "\\251a", "\\251\\1"},
	{"\\252", "\\2520", "\\2527", "\\2528", "\\2529", "\\252a", "\\252\\1"},
	{"\\253", "\\2530", "\\2537", "\\2538", "\\2539", "\\253a", "\\253\\1"},
	{"\\254", "\\2540", "\\2547", "\\2548", "\\2549", "\\254a", "\\254\\1"},
	{"\\255", "\\2550", "\\2557", "\\2558", "\\2559", "\\255a", "\\255\\1"},
	{"\\256", "\\2560", "\\2567", "\\2568", "\\2569", "\\256a", "\\256\\1"},
	{"\\257", "\\2570", "\\2577", "\\2578", "\\2579", "\\257a", "\\257\\1"},
	{"\\260", "\\2600", "\\2607", "\\2608", "\\2609", "\\260a", "\\260\\1"},
	{"\\261", "\\2610", "\\2617", "\\2618", "\\2619", "\\261a", "\\261\\1"},
	{"\\262", "\\2620", "\\2627", "\\2628", "\\2629", "\\262a", "\\262\\1"},
	{"\\263", "\\2630", "\\2637", "\\2638", "\\2639", "\\263a", "\\263\\1"},
	{"\\264", "\\2640", "\\2647", "\\2648", "\\2649", "\\264a", "\\264\\1"},
	{"\\265", "\\2650", "\\2657", "\\2658", "\\2659", "\\265a", "\\265\\1"},
	{"\\266", "\\2660", "\\2667", "\\2668", "\\2669", "\\266a", "\\266\\1"},
	{"\\267", "\\2670", "\\2677", "\\2678", "\\2679", "\\267a", "\\267\\1"},
	{"\\270", "\\2700", "\\2707", "\\2708", "\\2709", "\\270a", "\\270\\1"},
	{"\\271", "\\2710", "\\2717", "\\2718", "\\2719", "\\271a", "\\271\\1"},
	{"\\272", "\\2720", "\\2727", "\\2728", "\\2729", "\\272a", "\\272\\1"},
	{"\\273", "\\2730", "\\2737", "\\2738", "\\2739", "\\273a", "\\273\\1"},
	{"\\274", "\\2740", "\\2747", "\\2748", "\\2749", "\\274a", "\\274\\1"},
	{"\\275", "\\2750", "\\2757", "\\2758", "\\2759", "\\275a", "\\275\\1"},
	{"\\276", "\\2760", "\\2767", "\\2768", "\\2769", "\\276a", "\\276\\1"},
	{"\\277", "\\2770", "\\2777", "\\2778", "\\2779", "\\277a", "\\277\\1"},
	{"\\300", "\\3000", "\\3007", "\\3008", "\\3009", "\\300a", "\\300\\1"},
	{"\\301", "\\3010", "\\3017", "\\3018", "\\3019", "\\301a", "\\301\\1"},
	{"\\302", "\\3020", "\\3027", "\\3028", "\\3029", "\\302a", "\\302\\1"},
	{"\\303", "\\3030", "\\3037", "\\3038", "\\3039", "\\303a", "\\303\\1"},
	{"\\304", "\\3040", "\\3047", "\\3048", "\\3049", "\\304a", "\\304\\1"},
	{"\\305", "\\3050", "\\3057", "\\3058", "\\3059", "\\305a", "\\305\\1"},
	{"\\306", "\\3060", "\\3067", "\\3068", "\\3069", "\\306a", "\\306\\1"},
	{"\\307", "\\3070", "\\3077", "\\3078", "\\3079", "\\307a", "\\307\\1"},
	{"\\310", "\\3100", "\\3107", "\\3108", "\\3109", "\\310a", "\\310\\1"},
	{"\\311", "\\3110", "\\3117", "\\3118", "\\3119", "\\311a", "\\311\\1"},
	{"\\312", "\\3120", "\\3127", "\\3128", "\\3129", "\\312a", "\\312\\1"},
	{"\\313", "\\3130", "\\3137", "\\3138", "\\3139", "\\313a", "\\313\\1"},
	{"\\314", "\\3140", "\\3147", "\\3148", "\\3149", "\\314a", "\\314\\1"},
	{"\\315", "\\3150", "\\3157", "\\3158", "\\3159", "\\315a", "\\315\\1"},
	{"\\316", "\\3160", "\\3167", "\\3168", "\\3169", "\\316a", "\\316\\1"},
	{"\\317", "\\3170", "\\3177", "\\3178", "\\3179", "\\317a", "\\317\\1"},
	{"\\320", "\\3200", "\\3207", "\\3208", "\\3209", "\\320a", "\\320\\1"},
	{"\\321", "\\3210", "\\3217", "\\3218", "\\3219", "\\321a", "\\321\\1"},
	{"\\322", "\\3220", "\\3227", "\\3228", "\\3229", "\\322a", "\\322\\1"},
	{"\\323", "\\3230", "\\3237", "\\3238", "\\3239", "\\323a", "\\323\\1"},
	{"\\324", "\\3240", "\\3247", "\\3248", "\\3249", "\\324a", "\\324\\1"},
	{"\\325", "\\3250", "\\3257", "\\3258", "\\3259", "\\325a", "\\325\\1"},
	{"\\326", "\\3260", "\\3267", "\\3268", "\\3269", "\\326a", "\\326\\1"},
	{"\\327", "\\3270", "\\3277", "\\3278", "\\3279", "\\327a", "\\327\\1"},
	{"\\330", "\\3300", "\\3307", "\\3308", "\\3309", "\\330a", "\\330\\1"},
	{"\\331", "\\3310", "\\3317", "\\3318", "\\3319", "\\331a", "\\331\\1"},
	{"\\332", "\\3320", "\\3327", "\\3328", "\\3329", "\\332a", "\\332\\1"},
	{"\\333", "\\3330", "\\3337", "\\3338", "\\3339", "\\333a", "\\333\\1"},
	{"\\334", "\\3340", "\\3347", "\\3348", "\\3349", "\\334a", "\\334\\1"},
	{"\\335", "\\3350", "\\3357", "\\3358", "\\3359", "\\335a", "\\335\\1"},
	{"\\336", "\\3360", "\\3367", "\\3368", "\\3369", "\\336a", "\\336\\1"},
	{"\\337", "\\3370", "\\3377", "\\3378", "\\3379", "\\337a", "\\337\\1"},
	{"\\340", "\\3400", "\\3407", "\\3408", "\\3409", "\\340a", "\\340\\1"},
	{"\\341", "\\3410", "\\3417", "\\3418", "\\3419", "\\341a", "\\341\\1"},
	{"\\342", "\\3420", "\\3427", "\\3428", "\\3429", "\\342a", "\\342\\1"},
	{"\\343", "\\3430", "\\3437", "\\3438", "\\3439", "\\343a", "\\343\\1"},
	{"\\344", "\\3440", "\\3447", "\\3448", "\\3449", "\\344a", "\\344\\1"},
	{"\\345", "\\3450", "\\3457", "\\3458", "\\3459", "\\345a", "\\345\\1"},
	{"\\346", "\\3460", "\\3467", "\\3468", "\\3469", "\\346a", "\\346\\1"},
	{"\\347", "\\3470", "\\3477", "\\3478", "\\3479", "\\347a", "\\347\\1"},
	{"\\350", "\\3500", "\\3507", "\\3508", "\\3509", "\\350a", "\\350\\1"},
	{"\\351", "\\3510", "\\3517", "\\3518", "\\3519", "\\351a", "\\351\\1"},
	{"\\352", "\\3520", "\\3527", "\\3528", "\\3529", "\\352a", "\\352\\1"},
	{"\\353", "\\3530", "\\3537", "\\3538", "\\3539", "\\353a", "\\353\\1"},
	{"\\354", "\\3540", "\\3547", "\\3548", "\\3549", "\\354a", "\\354\\1"},
	{"\\355", "\\3550", "\\3557", "\\3558", "\\3559", "\\355a", "\\355\\1"},
	{"\\356", "\\3560", "\\3567", "\\3568", "\\3569", "\\356a", "\\356\\1"},
	{"\\357", "\\3570", "\\3577", "\\3578", "\\3579", "\\357a", "\\357\\1"},
	{"\\360", "\\3600", "\\3607", "\\3608", "\\3609", "\\360a", "\\360\\1"},
	{"\\361", "\\3610", "\\3617", "\\3618", "\\3619", "\\361a", "\\361\\1"},
	{"\\362", "\\3620", "\\3627", "\\3628", "\\3629", "\\362a", "\\362\\1"},
	{"\\363", "\\3630", "\\3637", "\\3638", "\\3639", "\\363a", "\\363\\1"},
	{"\\364", "\\3640", "\\3647", "\\3648", "\\3649", "\\364a", "\\364\\1"},
	{"\\365", "\\3650", "\\3657", "\\3658", "\\3659", "\\365a", "\\365\\1"},
	{"\\366", "\\3660", "\\3667", "\\3668", "\\3669", "\\366a", "\\366\\1"},
	{"\\367", "\\3670", "\\3677", "\\3678", "\\3679", "\\367a", "\\367\\1"},
	{"\\370", "\\3700", "\\3707", "\\3708", "\\3709", "\\370a", "\\370\\1"},
	{"\\371", "\\3710", "\\3717", "\\3718", "\\3719", "\\371a", "\\371\\1"},
	{"\\372", "\\3720", "\\3727", "\\3728", "\\3729", "\\372a", "\\372\\1"},
	{"\\373", "\\3730", "\\3737", "\\3738", "\\3739", "\\373a", "\\373\\1"},
	{"\\374", "\\3740", "\\3747", "\\3748", "\\3749", "\\374a", "\\374\\1"},
	{"\\375", "\\3750", "\\3757", "\\3758", "\\3759", "\\375a", "\\375\\1"},
	{"\\376", "\\3760", "\\3767", "\\3768", "\\3769", "\\376a", "\\376\\1"},
	{"\\377", "\\3770", "\\3777", "\\3778", "\\3779", "\\377a", "\\377\\1"},
};

/* ---- helpers ---- */

static void set_tstr(struct tstr *t, const void *s, size_t len)
{
	tstr_free(t);
	t->status = TSTR_OK;
	t->addr = 0x7ffd0000;
	t->len = len;
	t->buf = xmalloc(len + 1);
	memcpy(t->buf, s, len);
	t->buf[len] = '\0';
}

static void set_tstr_s(struct tstr *t, const char *s)
{
	set_tstr(t, s, strlen(s));
}

/* 2026-11-22T03:20:04.123456Z */
#define T0_SEC 1795317604
#define T0_NSEC 123456789

/* The example event: a denied symlinkat of /etc/passwd. */
static void base_event(struct event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->time.tv_sec = T0_SEC;
	ev->time.tv_nsec = T0_NSEC;
	ev->tid = 4243;
	ev->pid = 4242;
	ev->ppid = 1;
	ev->ruid = 1000;
	ev->euid = 0;
	ev->fsuid = 0;
	ev->rgid = 100;
	ev->egid = 101;
	strcpy(ev->comm, "ln");
	ev->exe = xstrdup("/usr/bin/ln");
	ev->abi = ABI_X86_64;
	ev->sc = SC_SYMLINKAT;
	ev->nr = 266;
	set_tstr_s(&ev->target, "/etc/passwd");
	set_tstr_s(&ev->linkpath, "pw");
	ev->has_dirfd = true;
	ev->dirfd = AT_FDCWD;
	ev->dir = xstrdup("/tmp/w");
	ev->path = xstrdup("/tmp/w/pw");
	ev->target_resolved = xstrdup("/etc/passwd");
	ev->finished = true;
	ev->ret = -EPERM;
	ev->action = ACT_DENY;
	ev->rule = 2;
	ev->deny_errno = EPERM;
}

static void replace(char **p, const char *s)
{
	free(*p);
	*p = s ? xstrdup(s) : NULL;
}

static const struct output_opts opts_plain = {.show_pid = false};

/* format_text of ev into a fresh string compared with want. */
static void check_text(const struct event *ev, const struct output_opts *o,
		       const char *want)
{
	struct sbuf sb = SBUF_INIT;

	format_text(&sb, ev, o);
	ck_assert_str_eq(sbuf_str(&sb), want);
	sbuf_free(&sb);
}

/* ---- escaping (strace reference) ---- */

START_TEST(test_escape_strace_table)
{
	/* _i: the byte value (loop test 0..255) */
	unsigned char b = (unsigned char)_i;

	for (int k = 0; k < 7; k++) {
		struct sbuf sb = SBUF_INIT;
		struct sbuf want = SBUF_INIT;
		char in[2] = {(char)b, strace_suffix[k][0]};
		size_t len = k == 0 ? 1 : 2;

		escape_str(&sb, in, len, false);
		sbuf_addf(&want, "\"%s\"", strace_ref[b][k]);
		ck_assert_msg(strcmp(sbuf_str(&sb), sbuf_str(&want)) == 0,
			      "byte %u suffix %d: got %s want %s", b, k,
			      sbuf_str(&sb), sbuf_str(&want));
		sbuf_free(&sb);
		sbuf_free(&want);
	}
}
END_TEST

START_TEST(test_escape_strace_symlink)
{
	/* strace -e trace=symlinkat of os.symlink(b"a\x01\x1b1\xff\t\"\\\\z")
	 * printed symlink("a\1\0331\377\t\"\\\\z", ...) */
	static const char in[] = "a\x01\x1b"
				 "1\xff\t\"\\\\z";
	struct sbuf sb = SBUF_INIT;

	escape_str(&sb, in, sizeof(in) - 1, false);
	ck_assert_str_eq(sbuf_str(&sb), "\"a\\1\\0331\\377\\t\\\"\\\\\\\\z\"");
	sbuf_free(&sb);
}
END_TEST

START_TEST(test_escape_digit_rule)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} t[] = {
		{"\0"
		 "1",
		 2, "\"\\0001\""},
		{"\0"
		 "8",
		 2, "\"\\08\""},
		{"\0\0", 2, "\"\\0\\0\""},
		{"\x07"
		 "7",
		 2, "\"\\0077\""},
		{"\x1b[0m", 4, "\"\\33[0m\""},
		{"\x1b"
		 "0",
		 2, "\"\\0330\""},
		{"\x7f"
		 "0",
		 2, "\"\\1770\""},
		{"\x80", 1, "\"\\200\""},
		{"\xff"
		 "9",
		 2, "\"\\3779\""},
		/* the digit rule looks only at the next byte */
		{"\x01\x02"
		 "3",
		 3, "\"\\1\\0023\""},
		{"", 0, "\"\""},
		{"\t\n\v\f\r", 5, "\"\\t\\n\\v\\f\\r\""},
		{"\b", 1, "\"\\10\""},
		{" ~", 2, "\" ~\""},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sbuf sb = SBUF_INIT;

		escape_str(&sb, t[i].in, t[i].len, false);
		ck_assert_msg(strcmp(sbuf_str(&sb), t[i].want) == 0,
			      "case %zu: got %s want %s", i, sbuf_str(&sb),
			      t[i].want);
		sbuf_free(&sb);
	}
}
END_TEST

START_TEST(test_escape_truncated)
{
	struct sbuf sb = SBUF_INIT;

	escape_str(&sb, "ab\x01", 3, true);
	ck_assert_str_eq(sbuf_str(&sb), "\"ab\\1\"...");
	sbuf_reset(&sb);
	/* appends: does not reset what is there */
	sbuf_adds(&sb, "x=");
	escape_str(&sb, "", 0, true);
	ck_assert_str_eq(sbuf_str(&sb), "x=\"\"...");
	sbuf_free(&sb);
}
END_TEST

/* ---- tstr, dirfd ---- */

START_TEST(test_format_tstr_states)
{
	struct tstr t = {0};
	struct sbuf sb = SBUF_INIT;

	format_tstr(&sb, &t);
	ck_assert_str_eq(sbuf_str(&sb), "?");

	sbuf_reset(&sb);
	t.status = TSTR_NULL;
	format_tstr(&sb, &t);
	ck_assert_str_eq(sbuf_str(&sb), "NULL");

	sbuf_reset(&sb);
	t.status = TSTR_FAULT;
	t.addr = 0x7ffd1234;
	format_tstr(&sb, &t);
	ck_assert_str_eq(sbuf_str(&sb), "0x7ffd1234");

	sbuf_reset(&sb);
	t.addr = 0xffffffffffffffffULL;
	format_tstr(&sb, &t);
	ck_assert_str_eq(sbuf_str(&sb), "0xffffffffffffffff");

	sbuf_reset(&sb);
	set_tstr_s(&t, "a\"b");
	format_tstr(&sb, &t);
	ck_assert_str_eq(sbuf_str(&sb), "\"a\\\"b\"");

	sbuf_reset(&sb);
	t.status = TSTR_TOOLONG;
	format_tstr(&sb, &t);
	ck_assert_str_eq(sbuf_str(&sb), "\"a\\\"b\"...");

	tstr_free(&t);
	ck_assert_ptr_null(t.buf);
	ck_assert_int_eq(t.status, TSTR_UNSET);
	tstr_free(&t); /* twice is harmless */
	sbuf_free(&sb);
}
END_TEST

START_TEST(test_format_dirfd)
{
	static const struct {
		int fd;
		const char *dir;
		const char *want;
	} t[] = {
		{AT_FDCWD, "/tmp/w", "AT_FDCWD</tmp/w>"},
		{3, "/d", "3</d>"},
		{3, NULL, "3"},
		{AT_FDCWD, NULL, "AT_FDCWD"},
		{-1, NULL, "-1"},
		{1023, "/", "1023</>"},
		/* escaped as between quotes, and < > too: no byte of a
		 * name reaches the terminal raw (0x9b is a CSI) */
		{5, "/caf\xc3\xa9 \"q\"", "5</caf\\303\\251 \\\"q\\\">"},
		{5, "/a\x9b" "2J", "5</a\\2332J>"},
		{5, "/a>b", "5</a\\76b>"},
		{5, "/a>7", "5</a\\0767>"},
		{5, "/a\\b", "5</a\\\\b>"},
		{5, "/a\nb\tc", "5</a\\nb\\tc>"},
		{5,
		 "/\x7f"
		 "1\x1b",
		 "5</\\1771\\33>"},
		{5, "/<x", "5</\\74x>"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sbuf sb = SBUF_INIT;

		format_dirfd(&sb, t[i].fd, t[i].dir);
		ck_assert_msg(strcmp(sbuf_str(&sb), t[i].want) == 0,
			      "case %zu: got %s want %s", i, sbuf_str(&sb),
			      t[i].want);
		sbuf_free(&sb);
	}
}
END_TEST

/* Every byte 1..255 inside <...> (a dirfd's directory and a linkpath's
 * path) is escaped exactly as between quotes, '<' and '>' in octal too:
 * no byte >= 0x80 (0x9b is an 8-bit CSI), no control, no newline goes
 * out raw.  Checked against escape_str() and, for the bytes that are not
 * printable ASCII, against the octal spelling itself. */
START_TEST(test_annotation_every_byte)
{
	const unsigned char c = (unsigned char)_i;
	char dir[8] = {'/', 'a', (char)c, 'b', 0};
	struct sbuf got = SBUF_INIT, quoted = SBUF_INIT, want = SBUF_INIT;
	struct event ev;

	escape_str(&quoted, dir, 4, false);
	sbuf_adds(&want, "5<");
	if (c == '<' || c == '>') {
		sbuf_addf(&want, "/a\\%o%s", c, "b");
	} else {
		/* the quoted form without its quotes */
		sbuf_add(&want, quoted.buf + 1, quoted.len - 2);
	}
	sbuf_addc(&want, '>');
	format_dirfd(&got, 5, dir);
	ck_assert_msg(strcmp(sbuf_str(&got), sbuf_str(&want)) == 0,
		      "byte %#x: got %s want %s", c, sbuf_str(&got),
		      sbuf_str(&want));
	for (size_t i = 0; i < got.len; i++)
		ck_assert_msg((unsigned char)got.buf[i] >= 0x20 &&
			      (unsigned char)got.buf[i] < 0x7f,
			      "byte %#x: raw byte %#x in the output", c,
			      (unsigned char)got.buf[i]);
	if (c >= 0x80) {
		char oct[8];

		snprintf(oct, sizeof(oct), "\\%o", c);
		ck_assert_msg(strstr(sbuf_str(&got), oct), "byte %#x: no %s",
			      c, oct);
	}

	/* the same in a symlink linkpath's <path> */
	base_event(&ev);
	ev.sc = SC_SYMLINK;
	ev.has_dirfd = false;
	set_tstr_s(&ev.linkpath, "l");
	replace(&ev.path, dir);
	sbuf_reset(&got);
	format_text(&got, &ev, &opts_plain);
	sbuf_reset(&quoted);
	sbuf_adds(&quoted, "symlink(\"/etc/passwd\", \"l\"");
	sbuf_add(&quoted, want.buf + 1, want.len - 1);
	sbuf_adds(&quoted, ") = -1 EPERM (Operation not permitted) "
		  "<denied rule 2>\n");
	ck_assert_msg(strcmp(sbuf_str(&got), sbuf_str(&quoted)) == 0,
		      "byte %#x: got %s want %s", c, sbuf_str(&got),
		      sbuf_str(&quoted));
	event_free(&ev);
	sbuf_free(&got);
	sbuf_free(&quoted);
	sbuf_free(&want);
}
END_TEST

/* ---- text lines ---- */

START_TEST(test_text_symlinkat_denied)
{
	struct event ev;
	struct output_opts o = {.show_pid = true, .ts = TS_USEC, .utc = true};

	base_event(&ev);
	check_text(&ev, &o,
		   "[pid 4243] 03:20:04.123456 symlinkat(\"/etc/passwd\", "
		   "AT_FDCWD</tmp/w>, \"pw\") = -1 EPERM (Operation not "
		   "permitted) <denied rule 2>\n");
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") = -1 "
		   "EPERM (Operation not permitted) <denied rule 2>\n");
	check_text(&ev, NULL,
		   "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") = -1 "
		   "EPERM (Operation not permitted) <denied rule 2>\n");
	ev.rule = 0;
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") = -1 "
		   "EPERM (Operation not permitted) <denied>\n");
	event_free(&ev);
}
END_TEST

START_TEST(test_text_symlinkat_ok)
{
	struct event ev;

	base_event(&ev);
	ev.ret = 0;
	ev.action = ACT_NONE;
	ev.rule = 0;
	ev.dirfd = 3;
	replace(&ev.dir, "/srv");
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", 3</srv>, \"pw\") = 0\n");
	ev.action = ACT_ALLOW;
	ev.rule = 4;
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", 3</srv>, \"pw\") = 0\n");
	ev.action = ACT_AUDIT;
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", 3</srv>, \"pw\") = 0 "
		   "<audit rule 4>\n");
	replace(&ev.dir, NULL);
	ev.action = ACT_NONE;
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", 3, \"pw\") = 0\n");
	event_free(&ev);
}
END_TEST

START_TEST(test_text_symlink)
{
	struct event ev;

	base_event(&ev);
	ev.sc = SC_SYMLINK;
	ev.has_dirfd = false;
	ev.action = ACT_NONE;
	ev.rule = 0;
	ev.ret = -EEXIST;
	set_tstr_s(&ev.target, "a");
	set_tstr_s(&ev.linkpath, "b");
	replace(&ev.path, "/tmp/w/b");
	check_text(&ev, &opts_plain,
		   "symlink(\"a\", \"b\"</tmp/w/b>) = -1 EEXIST (File "
		   "exists)\n");
	/* absolute linkpath landing where it says: no annotation */
	set_tstr_s(&ev.linkpath, "/tmp/w/b");
	check_text(&ev, &opts_plain,
		   "symlink(\"a\", \"/tmp/w/b\") = -1 EEXIST (File exists)\n");
	/* ... elsewhere (a chrooted caller's "/x/b" in its root /tmp/w,
	 * or a spelling with ..): the host path, as JSON "path" has it */
	set_tstr_s(&ev.linkpath, "/x/b");
	replace(&ev.path, "/tmp/w/x/b");
	check_text(&ev, &opts_plain,
		   "symlink(\"a\", \"/x/b\"</tmp/w/x/b>) = -1 EEXIST (File "
		   "exists)\n");
	ev.sc = SC_SYMLINKAT;
	ev.has_dirfd = true;
	check_text(&ev, &opts_plain,
		   "symlinkat(\"a\", AT_FDCWD</tmp/w>, \"/x/b\"</tmp/w/x/b>) = -1 "
		   "EEXIST (File exists)\n");
	/* symlinkat's relative linkpath: the dirfd says where */
	set_tstr_s(&ev.linkpath, "x/b");
	check_text(&ev, &opts_plain,
		   "symlinkat(\"a\", AT_FDCWD</tmp/w>, \"x/b\") = -1 EEXIST "
		   "(File exists)\n");
	ev.sc = SC_SYMLINK;
	ev.has_dirfd = false;
	/* unknown path: none either */
	set_tstr_s(&ev.linkpath, "b");
	replace(&ev.path, NULL);
	check_text(&ev, &opts_plain,
		   "symlink(\"a\", \"b\") = -1 EEXIST (File exists)\n");
	/* a path needing escapes */
	replace(&ev.path, "/t>\n/b");
	check_text(&ev, &opts_plain,
		   "symlink(\"a\", \"b\"</t\\76\\n/b>) = -1 EEXIST (File "
		   "exists)\n");
	/* linkpath not read OK: no annotation */
	tstr_free(&ev.linkpath);
	ev.linkpath.status = TSTR_FAULT;
	ev.linkpath.addr = 0x1000;
	check_text(&ev, &opts_plain,
		   "symlink(\"a\", 0x1000) = -1 EEXIST (File exists)\n");
	ev.linkpath.status = TSTR_NULL;
	ev.target.status = TSTR_TOOLONG;
	ev.ret = -ENAMETOOLONG;
	check_text(&ev, &opts_plain,
		   "symlink(\"a\"..., NULL) = -1 ENAMETOOLONG (File name too "
		   "long)\n");
	ev.target.status = TSTR_OK;
	event_free(&ev);
}
END_TEST

START_TEST(test_text_killed_unfinished)
{
	struct event ev;

	base_event(&ev);
	ev.finished = false;
	ev.action = ACT_KILL;
	ev.rule = 7;
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") = ? "
		   "<killed rule 7>\n");
	ev.rule = 0;
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") = ? "
		   "<killed>\n");
	ev.action = ACT_NONE;
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") = "
		   "?\n");
	event_free(&ev);
}
END_TEST

START_TEST(test_text_abi_tags)
{
	struct event ev;

	base_event(&ev);
	ev.abi = ABI_I386;
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") = -1 "
		   "EPERM (Operation not permitted) <i386> <denied rule 2>\n");
	ev.abi = ABI_X32;
	ev.action = ACT_NONE;
	ev.ret = 0;
	ev.tags = TAG_SHARED | TAG_UNVERIFIED;
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") = 0 "
		   "<x32> <SHARED> <unverified>\n");
	event_free(&ev);
}
END_TEST

START_TEST(test_text_toctou)
{
	struct event ev;

	base_event(&ev);
	ev.action = ACT_NONE;
	ev.ret = 0;
	set_tstr_s(&ev.target, "a");
	set_tstr_s(&ev.linkpath, "l");
	ev.tags = TAG_TOCTOU | TAG_SHARED;

	/* tag set, nothing recorded */
	check_text(&ev, &opts_plain,
		   "symlinkat(\"a\", AT_FDCWD</tmp/w>, \"l\") = 0 <TOCTOU> "
		   "<SHARED>\n");

	/* all three differ */
	set_tstr_s(&ev.target_exit, "b");
	set_tstr_s(&ev.linkpath_exit, "m\n");
	ev.disk_target = xstrdup("c");
	check_text(&ev, &opts_plain,
		   "symlinkat(\"a\", AT_FDCWD</tmp/w>, \"l\") = 0 <TOCTOU "
		   "target exit=\"b\" disk=\"c\" linkpath exit=\"m\\n\"> "
		   "<SHARED>\n");

	/* inside the annotation, '<' '>' are escaped in the quoted values
	 * too: the closing '>' stays unambiguous */
	set_tstr_s(&ev.target_exit, "b>c<");
	set_tstr_s(&ev.linkpath_exit, "m>");
	replace(&ev.disk_target, "<\x9b>");
	check_text(&ev, &opts_plain,
		   "symlinkat(\"a\", AT_FDCWD</tmp/w>, \"l\") = 0 <TOCTOU "
		   "target exit=\"b\\76c\\74\" disk=\"\\74\\233\\76\" "
		   "linkpath exit=\"m\\76\"> <SHARED>\n");
	replace(&ev.disk_target, "c");

	/* equal second reads are not shown */
	set_tstr_s(&ev.target_exit, "a");
	set_tstr_s(&ev.linkpath_exit, "l");
	check_text(&ev, &opts_plain,
		   "symlinkat(\"a\", AT_FDCWD</tmp/w>, \"l\") = 0 <TOCTOU "
		   "target disk=\"c\"> <SHARED>\n");
	replace(&ev.disk_target, "a");
	check_text(&ev, &opts_plain,
		   "symlinkat(\"a\", AT_FDCWD</tmp/w>, \"l\") = 0 <TOCTOU> "
		   "<SHARED>\n");

	/* a prefix is not equal; a status change is a difference */
	set_tstr(&ev.target_exit, "a\0", 2);
	tstr_free(&ev.linkpath_exit);
	ev.linkpath_exit.status = TSTR_FAULT;
	ev.linkpath_exit.addr = 0xdead;
	ev.action = ACT_DENY;
	ev.rule = 1;
	ev.ret = -EPERM;
	ev.tags = TAG_TOCTOU | TAG_UNVERIFIED;
	check_text(&ev, &opts_plain,
		   "symlinkat(\"a\", AT_FDCWD</tmp/w>, \"l\") = -1 EPERM "
		   "(Operation not permitted) <denied rule 1> <TOCTOU target "
		   "exit=\"a\\0\" linkpath exit=0xdead> <unverified>\n");

	/* disk differs from an unreadable entry target */
	tstr_free(&ev.target);
	ev.target.status = TSTR_FAULT;
	ev.target.addr = 0x10;
	tstr_free(&ev.target_exit);
	tstr_free(&ev.linkpath_exit);
	ev.tags = TAG_TOCTOU;
	check_text(&ev, &opts_plain,
		   "symlinkat(0x10, AT_FDCWD</tmp/w>, \"l\") = -1 EPERM "
		   "(Operation not permitted) <denied rule 1> <TOCTOU target "
		   "disk=\"a\">\n");
	event_free(&ev);
}
END_TEST

START_TEST(test_text_timestamps)
{
	struct event ev;
	struct output_opts o = {.show_pid = false, .utc = true};
	const char *call = "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, "
			   "\"pw\") = 0\n";
	char want[256];

	base_event(&ev);
	ev.ret = 0;
	ev.action = ACT_NONE;

	o.ts = TS_NONE;
	check_text(&ev, &o, call);
	o.ts = TS_TIME;
	snprintf(want, sizeof(want), "03:20:04 %s", call);
	check_text(&ev, &o, want);
	o.ts = TS_USEC;
	snprintf(want, sizeof(want), "03:20:04.123456 %s", call);
	check_text(&ev, &o, want);
	o.ts = TS_EPOCH;
	snprintf(want, sizeof(want), "1795317604.123456 %s", call);
	check_text(&ev, &o, want);

	/* show_pid comes first */
	o.show_pid = true;
	o.ts = TS_TIME;
	snprintf(want, sizeof(want), "[pid 4243] 03:20:04 %s", call);
	check_text(&ev, &o, want);

	/* local time: UTC+2 (POSIX TZ sign is inverted) */
	setenv("TZ", "XYZ-2", 1);
	tzset();
	o.show_pid = false;
	o.utc = false;
	o.ts = TS_USEC;
	snprintf(want, sizeof(want), "05:20:04.123456 %s", call);
	check_text(&ev, &o, want);
	/* epoch is zone-independent */
	o.ts = TS_EPOCH;
	snprintf(want, sizeof(want), "1795317604.123456 %s", call);
	check_text(&ev, &o, want);

	/* microseconds are zero-padded, nanoseconds truncated */
	ev.time.tv_nsec = 999;
	o.utc = true;
	o.ts = TS_USEC;
	snprintf(want, sizeof(want), "03:20:04.000000 %s", call);
	check_text(&ev, &o, want);
	ev.time.tv_nsec = 1000;
	snprintf(want, sizeof(want), "03:20:04.000001 %s", call);
	check_text(&ev, &o, want);
	event_free(&ev);
}
END_TEST

START_TEST(test_text_errno_unnamed)
{
	struct event ev;
	struct sbuf want = SBUF_INIT;
	int err = errno_max() + 1;

	ck_assert_ptr_null(errno_name(err));
	base_event(&ev);
	ev.action = ACT_NONE;
	ev.ret = -err;
	sbuf_addf(&want,
		  "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") = -1 "
		  "ERRNO_%d (%s)\n",
		  err, strerror(err));
	check_text(&ev, &opts_plain, sbuf_str(&want));
	/* a positive return (side doors, e.g. clone) prints as a number */
	ev.ret = 4244;
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") = "
		   "4244\n");
	sbuf_free(&want);
	event_free(&ev);
}
END_TEST

START_TEST(test_text_side_doors)
{
	struct event ev;

	base_event(&ev);
	ev.action = ACT_NONE;
	ev.ret = 0;
	ev.sc = SC_RENAMEAT2;
	check_text(&ev, &opts_plain,
		   "renameat2(\"/etc/passwd\", \"pw\") = 0\n");
	/* A move's flags, by name (the rest as a number). */
	ev.move_flags = 2;
	check_text(&ev, &opts_plain,
		   "renameat2(\"/etc/passwd\", \"pw\", RENAME_EXCHANGE) = 0\n");
	ev.move_flags = 1 | 4 | 0x40;
	check_text(&ev, &opts_plain,
		   "renameat2(\"/etc/passwd\", \"pw\", "
		   "RENAME_NOREPLACE|RENAME_WHITEOUT|0x40) = 0\n");
	ev.sc = SC_LINKAT;
	ev.move_flags = 0x400;
	check_text(&ev, &opts_plain,
		   "linkat(\"/etc/passwd\", \"pw\", AT_SYMLINK_FOLLOW) = 0\n");
	ev.move_flags = 0;
	/* An unjudged target is named when a deny may rest on it. */
	ev.sc = SC_SYMLINKAT;
	ev.target_unjudged = "magic link on the target's way";
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") = 0\n");
	ev.action = ACT_DENY;
	ev.rule = 2;
	ev.ret = -EPERM;
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") = -1 "
		   "EPERM (Operation not permitted) <denied rule 2> "
		   "<target unjudged: magic link on the target's way>\n");
	ev.target_unjudged = NULL;
	ev.action = ACT_NONE;
	ev.rule = 0;
	ev.ret = 0;
	ev.sc = SC_RENAMEAT2;
	tstr_free(&ev.target);
	check_text(&ev, &opts_plain, "renameat2(\"pw\") = 0\n");
	tstr_free(&ev.linkpath);
	ev.sc = SC_CLONE;
	ev.ret = 4300;
	ev.action = ACT_DENY;
	ev.rule = 3;
	ev.ret = -EPERM;
	check_text(&ev, &opts_plain,
		   "clone() = -1 EPERM (Operation not permitted) "
		   "<denied rule 3>\n");
	event_free(&ev);
}
END_TEST

/* ---- a minimal JSON reader, for checking format_json ---- */

static bool t_utf8_valid(const void *p, size_t len)
{
	const unsigned char *s = p;
	unsigned long cp;

	for (size_t i = 0, n; i < len; i += n)
		if (!(n = t_utf8(s + i, len - i, &cp)))
			return false;
	return true;
}

static void t_put_utf8(struct sbuf *out, unsigned long cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	sbuf_add(out, b, n);
}

struct jp {
	const unsigned char *s;
	size_t n, i;
};

struct jmember {
	char key[64];
	size_t start, end; /* value span in the line */
};

struct jdoc {
	struct jmember m[80];
	size_t n;
};

static void jp_ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
			       p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static bool jp_lit(struct jp *p, const char *lit)
{
	size_t l = strlen(lit);

	if (p->n - p->i < l || memcmp(p->s + p->i, lit, l) != 0)
		return false;
	p->i += l;
	return true;
}

static bool jp_hex4(struct jp *p, unsigned long *v)
{
	*v = 0;
	if (p->n - p->i < 4)
		return false;
	for (int k = 0; k < 4; k++) {
		unsigned char c = p->s[p->i++];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return false;
	}
	return true;
}

/* A string; its decoded bytes appended to out (if not NULL).  Stricter
 * than RFC 8259 in one way: unpaired surrogate escapes are refused. */
static bool jp_string(struct jp *p, struct sbuf *out)
{
	if (p->i >= p->n || p->s[p->i] != '"')
		return false;
	p->i++;
	for (;;) {
		unsigned char c;
		unsigned long cp, lo;
		size_t n;

		if (p->i >= p->n)
			return false;
		c = p->s[p->i];
		if (c == '"') {
			p->i++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c >= 0x80) {
			n = t_utf8(p->s + p->i, p->n - p->i, &cp);
			if (!n)
				return false;
			if (out)
				sbuf_add(out, p->s + p->i, n);
			p->i += n;
			continue;
		}
		p->i++;
		if (c != '\\') {
			if (out)
				sbuf_addc(out, (char)c);
			continue;
		}
		if (p->i >= p->n)
			return false;
		c = p->s[p->i++];
		switch (c) {
		case '"':
		case '\\':
		case '/':
			cp = c;
			break;
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			if (!jp_hex4(p, &cp))
				return false;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return false;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (!jp_lit(p, "\\u") || !jp_hex4(p, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff)
					return false;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			}
			break;
		default:
			return false;
		}
		if (out)
			t_put_utf8(out, cp);
	}
}

static bool jp_digits(struct jp *p)
{
	size_t s = p->i;

	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > s;
}

static bool jp_number(struct jp *p)
{
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (!jp_digits(p))
		return false;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (!jp_digits(p))
			return false;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (!jp_digits(p))
			return false;
	}
	return true;
}

static bool jp_value(struct jp *p, int depth, struct jdoc *d);

/* Object or array; members of the outermost object recorded in d. */
static bool jp_container(struct jp *p, int depth, struct jdoc *d)
{
	bool obj = p->s[p->i] == '{';
	char close = obj ? '}' : ']';

	if (depth > 32)
		return false;
	p->i++;
	jp_ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		return true;
	}
	for (;;) {
		struct jmember *m = NULL;

		jp_ws(p);
		if (obj) {
			struct sbuf key = SBUF_INIT;
			bool ok = jp_string(p, &key);

			if (ok && d && depth == 0) {
				ok = d->n < sizeof(d->m) / sizeof(d->m[0]) &&
				     key.len < sizeof(m->key) &&
				     strlen(sbuf_str(&key)) == key.len;
				for (size_t k = 0; ok && k < d->n; k++)
					ok = strcmp(d->m[k].key,
						    sbuf_str(&key)) != 0;
				if (ok) {
					m = &d->m[d->n++];
					strcpy(m->key, sbuf_str(&key));
				}
			}
			sbuf_free(&key);
			if (!ok)
				return false;
			jp_ws(p);
			if (!jp_lit(p, ":"))
				return false;
			jp_ws(p);
		}
		if (m)
			m->start = p->i;
		if (!jp_value(p, depth + 1, d))
			return false;
		if (m)
			m->end = p->i;
		jp_ws(p);
		if (p->i >= p->n)
			return false;
		if (p->s[p->i] == close) {
			p->i++;
			return true;
		}
		if (p->s[p->i] != ',')
			return false;
		p->i++;
	}
}

static bool jp_value(struct jp *p, int depth, struct jdoc *d)
{
	if (p->i >= p->n)
		return false;
	switch (p->s[p->i]) {
	case '{':
	case '[':
		return jp_container(p, depth, d);
	case '"':
		return jp_string(p, NULL);
	case 't':
		return jp_lit(p, "true");
	case 'f':
		return jp_lit(p, "false");
	case 'n':
		return jp_lit(p, "null");
	default:
		return jp_number(p);
	}
}

/* One compact JSON object followed by exactly one '\n'. */
static bool json_line_parse(const struct sbuf *line, struct jdoc *d)
{
	struct jp p = {(const unsigned char *)line->buf, line->len, 0};

	d->n = 0;
	if (line->len < 3 || line->buf[line->len - 1] != '\n' ||
	    memchr(line->buf, '\n', line->len - 1) || line->buf[0] != '{')
		return false;
	p.n--; /* the '\n' */
	if (!jp_container(&p, 0, d))
		return false;
	return p.i == p.n;
}

static const struct jmember *jget(const struct jdoc *d, const char *key)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->m[i].key, key) == 0)
			return &d->m[i];
	return NULL;
}

static const char *jraw(const struct sbuf *line, const struct jmember *m,
			char *buf, size_t size)
{
	size_t l = m->end - m->start;

	ck_assert_uint_lt(l, size);
	memcpy(buf, line->buf + m->start, l);
	buf[l] = '\0';
	return buf;
}

/* The raw text of member key ("" when absent). */
static const char *jget_raw(const struct sbuf *line, const struct jdoc *d,
			    const char *key)
{
	static char buf[8192];
	const struct jmember *m = jget(d, key);

	return m ? jraw(line, m, buf, sizeof(buf)) : "";
}

/* Strict RFC 4648 decoding (tests/jsonref.h), appended to out. */
static bool b64_decode(const char *s, size_t len, struct sbuf *out)
{
	unsigned char *buf = xmalloc(len / 4 * 3 + 1);
	long n = t_b64_decode(s, len, buf);

	if (n >= 0)
		sbuf_add(out, (const char *)buf, (size_t)n);
	free(buf);
	return n >= 0;
}

static bool has_fffd(const struct sbuf *s)
{
	for (size_t i = 0; i + 3 <= s->len; i++)
		if (memcmp(s->buf + i, "\xef\xbf\xbd", 3) == 0)
			return true;
	return false;
}

/* The exact bytes of string member key: from KEY_b64 if present (then the
 * string must not be valid UTF-8 and must hold U+FFFD), else from the
 * string.  Fails the test if anything is off. */
static void recover(const struct sbuf *line, const struct jdoc *d,
		    const char *key, struct sbuf *out)
{
	const struct jmember *m = jget(d, key);
	char k64[80];
	struct sbuf str = SBUF_INIT;
	struct jp p;

	ck_assert_msg(m != NULL, "no key %s in %s", key, line->buf);
	p = (struct jp){(const unsigned char *)line->buf, m->end, m->start};
	ck_assert_msg(jp_string(&p, &str) && p.i == m->end,
		      "%s is not a string in %s", key, line->buf);

	snprintf(k64, sizeof(k64), "%s_b64", key);
	m = jget(d, k64);
	if (m) {
		struct sbuf b = SBUF_INIT;

		p = (struct jp){(const unsigned char *)line->buf, m->end,
				m->start};
		ck_assert(jp_string(&p, &b) && p.i == m->end);
		ck_assert_msg(b64_decode(b.buf ? b.buf : "", b.len, out),
			      "bad base64 for %s in %s", key, line->buf);
		ck_assert_msg(!t_utf8_valid(out->buf, out->len),
			      "%s_b64 for valid UTF-8 in %s", key, line->buf);
		ck_assert_msg(has_fffd(&str), "no U+FFFD in %s", line->buf);
		sbuf_free(&b);
	} else {
		sbuf_add(out, str.buf ? str.buf : "", str.len);
		ck_assert(t_utf8_valid(out->buf, out->len));
	}
	/* the _b64 member comes right after its key */
	if (m)
		ck_assert_ptr_eq(m, jget(d, key) + 1);
	sbuf_free(&str);
}

/* The string keys a tracee controls, and where they live. */
static const char *const str_keys[] = {
	"target", "linkpath", "dir",	     "path",	      "target_resolved",
	"comm",	  "exe",      "target_exit", "linkpath_exit", "disk_target",
};

/* Put bytes s[0..len) into every tracee string of ev (comm only if it
 * fits and has no NUL; C strings only if no NUL). */
static void fill_all(struct event *ev, const void *s, size_t len)
{
	bool cstr = memchr(s, 0, len) == NULL;
	char *c = xmalloc(len + 1);

	memcpy(c, s, len);
	c[len] = '\0';
	set_tstr(&ev->target, s, len);
	set_tstr(&ev->linkpath, s, len);
	set_tstr(&ev->target_exit, s, len);
	set_tstr(&ev->linkpath_exit, s, len);
	replace(&ev->dir, cstr ? c : NULL);
	replace(&ev->path, cstr ? c : NULL);
	replace(&ev->target_resolved, cstr ? c : NULL);
	replace(&ev->exe, cstr ? c : NULL);
	replace(&ev->disk_target, cstr ? c : NULL);
	memset(ev->comm, 0, sizeof(ev->comm));
	if (cstr && len < sizeof(ev->comm))
		memcpy(ev->comm, s, len);
	free(c);
}

/* format_json(ev) must be valid and every tracee string must round-trip;
 * returns whether any _b64 member was present. */
static bool check_roundtrip(const struct event *ev, const void *s, size_t len)
{
	struct sbuf line = SBUF_INIT;
	struct jdoc d;
	bool any_b64 = false;
	bool cstr = memchr(s, 0, len) == NULL;

	format_json(&line, ev);
	ck_assert_msg(json_line_parse(&line, &d), "invalid JSON: %s", line.buf);
	ck_assert(t_utf8_valid(line.buf, line.len));
	for (size_t k = 0; k < sizeof(str_keys) / sizeof(str_keys[0]); k++) {
		const char *key = str_keys[k];
		struct sbuf got = SBUF_INIT;
		char k64[80];
		size_t want_len = len;

		if (!cstr && strcmp(key, "target") && strcmp(key, "linkpath") &&
		    strcmp(key, "target_exit") && strcmp(key, "linkpath_exit"))
			continue;
		if (!strcmp(key, "comm") && len >= sizeof(ev->comm))
			want_len = 0;
		snprintf(k64, sizeof(k64), "%s_b64", key);
		any_b64 |= jget(&d, k64) != NULL;
		recover(&line, &d, key, &got);
		ck_assert_msg(got.len == want_len &&
				      memcmp(sbuf_str(&got), s, want_len) == 0,
			      "%s does not round-trip in %s", key, line.buf);
		sbuf_free(&got);
	}
	sbuf_free(&line);
	return any_b64;
}

/* ---- JSON tests ---- */

START_TEST(test_json_golden)
{
	struct event ev;
	struct sbuf sb = SBUF_INIT;

	base_event(&ev);
	format_json(&sb, &ev);
	ck_assert_str_eq(
		sbuf_str(&sb),
		"{\"time\":\"2026-11-22T03:20:04.123456Z\",\"pid\":4242,"
		"\"tid\":4243,\"ppid\":1,\"uid\":1000,\"euid\":0,\"gid\":100,"
		"\"egid\":101,\"comm\":\"ln\",\"exe\":\"/usr/bin/ln\","
		"\"abi\":\"x86_64\",\"syscall\":\"symlinkat\","
		"\"target\":\"/etc/passwd\",\"newdirfd\":-100,"
		"\"dir\":\"/tmp/w\",\"linkpath\":\"pw\","
		"\"path\":\"/tmp/w/pw\",\"target_resolved\":\"/etc/passwd\","
		"\"ret\":-1,\"errno\":\"EPERM\",\"action\":\"deny\","
		"\"rule\":2,\"tags\":[]}\n");

	/* a symlink, allowed, unfinished, with every optional member */
	sbuf_reset(&sb);
	ev.sc = SC_SYMLINK;
	ev.has_dirfd = false;
	ev.abi = ABI_I386;
	ev.finished = false;
	ev.action = ACT_NONE;
	ev.rule = 0;
	ev.tags = TAG_TOCTOU | TAG_SHARED | TAG_UNVERIFIED;
	replace(&ev.exe, NULL);
	replace(&ev.dir, NULL);
	replace(&ev.path, NULL);
	replace(&ev.target_resolved, NULL);
	ev.target.status = TSTR_TOOLONG;
	tstr_free(&ev.linkpath);
	ev.linkpath.status = TSTR_FAULT;
	ev.linkpath.addr = 0x7ffd1234;
	set_tstr_s(&ev.target_exit, "x");
	ev.linkpath_exit.status = TSTR_NULL;
	ev.disk_target = xstrdup("y");
	format_json(&sb, &ev);
	ck_assert_str_eq(
		sbuf_str(&sb),
		"{\"time\":\"2026-11-22T03:20:04.123456Z\",\"pid\":4242,"
		"\"tid\":4243,\"ppid\":1,\"uid\":1000,\"euid\":0,\"gid\":100,"
		"\"egid\":101,\"comm\":\"ln\",\"exe\":null,"
		"\"abi\":\"i386\",\"syscall\":\"symlink\","
		"\"target\":\"/etc/passwd\",\"target_truncated\":true,"
		"\"newdirfd\":null,\"dir\":null,\"linkpath\":null,"
		"\"linkpath_addr\":\"0x7ffd1234\",\"path\":null,"
		"\"target_resolved\":null,\"ret\":null,\"errno\":null,"
		"\"action\":\"allow\",\"rule\":null,"
		"\"tags\":[\"TOCTOU\",\"SHARED\",\"UNVERIFIED\"],"
		"\"target_exit\":\"x\",\"linkpath_exit\":null,"
		"\"disk_target\":\"y\"}\n");
	event_free(&ev);
	sbuf_free(&sb);
}
END_TEST

START_TEST(test_json_fields)
{
	static const struct {
		enum action a;
		int rule;
		const char *action, *rulestr;
	} acts[] = {
		{ACT_NONE, 0, "\"allow\"", "null"},
		{ACT_ALLOW, 1, "\"allow\"", "1"},
		{ACT_DENY, 0, "\"deny\"", "null"},
		{ACT_KILL, 9, "\"kill\"", "9"},
		{ACT_AUDIT, 3, "\"audit\"", "3"},
	};
	struct event ev;
	struct sbuf sb = SBUF_INIT;
	struct jdoc d;
	char want[64];
	int err = errno_max() + 1;

	base_event(&ev);
	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		sbuf_reset(&sb);
		ev.action = acts[i].a;
		ev.rule = acts[i].rule;
		format_json(&sb, &ev);
		ck_assert(json_line_parse(&sb, &d));
		ck_assert_str_eq(jget_raw(&sb, &d, "action"), acts[i].action);
		ck_assert_str_eq(jget_raw(&sb, &d, "rule"), acts[i].rulestr);
	}

	sbuf_reset(&sb);
	ev.abi = ABI_X32;
	ev.ret = 0;
	ev.dirfd = 7;
	ev.tags = TAG_SHARED;
	ev.time.tv_sec = 0;
	ev.time.tv_nsec = 1000;
	format_json(&sb, &ev);
	ck_assert(json_line_parse(&sb, &d));
	ck_assert_str_eq(jget_raw(&sb, &d, "abi"), "\"x32\"");
	ck_assert_str_eq(jget_raw(&sb, &d, "ret"), "0");
	ck_assert_str_eq(jget_raw(&sb, &d, "errno"), "null");
	ck_assert_str_eq(jget_raw(&sb, &d, "newdirfd"), "7");
	ck_assert_str_eq(jget_raw(&sb, &d, "tags"), "[\"SHARED\"]");
	ck_assert_str_eq(jget_raw(&sb, &d, "time"),
			 "\"1970-01-01T00:00:00.000001Z\"");
	ck_assert_ptr_null(jget(&d, "target_exit"));
	ck_assert_ptr_null(jget(&d, "linkpath_exit"));
	ck_assert_ptr_null(jget(&d, "disk_target"));

	/* an errno without a name */
	sbuf_reset(&sb);
	ev.ret = -err;
	format_json(&sb, &ev);
	ck_assert(json_line_parse(&sb, &d));
	snprintf(want, sizeof(want), "\"ERRNO_%d\"", err);
	ck_assert_str_eq(jget_raw(&sb, &d, "errno"), want);
	snprintf(want, sizeof(want), "%d", -err);
	ck_assert_str_eq(jget_raw(&sb, &d, "ret"), want);

	/* key order is fixed */
	static const char *const order[] = {
		"time",	    "pid",	"tid",
		"ppid",	    "uid",	"euid",
		"gid",	    "egid",	"comm",
		"exe",	    "abi",	"syscall",
		"target",   "newdirfd", "dir",
		"linkpath", "path",	"target_resolved",
		"ret",	    "errno",	"action",
		"rule",	    "tags",
	};
	ck_assert_uint_eq(d.n, sizeof(order) / sizeof(order[0]));
	for (size_t i = 0; i < d.n; i++)
		ck_assert_str_eq(d.m[i].key, order[i]);

	/* tstr FAULT / NULL / UNSET */
	sbuf_reset(&sb);
	tstr_free(&ev.target);
	ev.target.status = TSTR_FAULT;
	ev.target.addr = 0xabc;
	tstr_free(&ev.linkpath);
	ev.linkpath.status = TSTR_NULL;
	tstr_free(&ev.target_exit);
	ev.target_exit.status = TSTR_FAULT;
	ev.target_exit.addr = 0xdef;
	format_json(&sb, &ev);
	ck_assert(json_line_parse(&sb, &d));
	ck_assert_str_eq(jget_raw(&sb, &d, "target"), "null");
	ck_assert_str_eq(jget_raw(&sb, &d, "target_addr"), "\"0xabc\"");
	ck_assert_ptr_eq(jget(&d, "target_addr"), jget(&d, "target") + 1);
	ck_assert_str_eq(jget_raw(&sb, &d, "linkpath"), "null");
	ck_assert_ptr_null(jget(&d, "linkpath_addr"));
	ck_assert_str_eq(jget_raw(&sb, &d, "target_exit"), "null");
	ck_assert_str_eq(jget_raw(&sb, &d, "target_exit_addr"), "\"0xdef\"");
	ev.linkpath.status = TSTR_UNSET;
	sbuf_reset(&sb);
	format_json(&sb, &ev);
	ck_assert(json_line_parse(&sb, &d));
	ck_assert_str_eq(jget_raw(&sb, &d, "linkpath"), "null");

	/* TOOLONG and invalid UTF-8: string, _b64, _truncated in order */
	sbuf_reset(&sb);
	set_tstr(&ev.target, "a\xff", 2);
	ev.target.status = TSTR_TOOLONG;
	format_json(&sb, &ev);
	ck_assert(json_line_parse(&sb, &d));
	ck_assert_str_eq(jget_raw(&sb, &d, "target"), "\"a\\ufffd\"");
	ck_assert_str_eq(jget_raw(&sb, &d, "target_b64"), "\"Yf8=\"");
	ck_assert_str_eq(jget_raw(&sb, &d, "target_truncated"), "true");
	ck_assert_ptr_eq(jget(&d, "target_b64"), jget(&d, "target") + 1);
	ck_assert_ptr_eq(jget(&d, "target_truncated"), jget(&d, "target") + 2);
	event_free(&ev);
	sbuf_free(&sb);
}
END_TEST

START_TEST(test_json_str)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} t[] = {
		{"", 0, "\"\""},
		{"abc/", 4, "\"abc/\""},
		{"\"\\", 2, "\"\\\"\\\\\""},
		{"\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\""},
		{"\0\x01\x1f\x7f", 4, "\"\\u0000\\u0001\\u001f\\u007f\""},
		{"\x0b\x1b", 2, "\"\\u000b\\u001b\""},
		{"caf\xc3\xa9", 5, "\"caf\xc3\xa9\""},
		{"\xe2\x82\xac", 3, "\"\xe2\x82\xac\""},
		{"\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\""},
		{"\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\""},
		{"\xc2\x80", 2, "\"\xc2\x80\""},	 /* C1 control: valid */
		{"\xe2\x80\xa8", 3, "\"\xe2\x80\xa8\""}, /* U+2028 */
		{"a\xffz", 3, "\"a\\ufffdz\""},
		{"\xc0\x80", 2, "\"\\ufffd\\ufffd\""},
		{"\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\""},
		{"\xe2\x82", 2, "\"\\ufffd\\ufffd\""},
		{"\xe2\x82x", 3, "\"\\ufffd\\ufffdx\""},
		{"\xf0\x9f\x98", 3, "\"\\ufffd\\ufffd\\ufffd\""},
		{"\xc3\xa9\xa9", 3, "\"\xc3\xa9\\ufffd\""},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sbuf sb = SBUF_INIT;

		json_str(&sb, t[i].in, t[i].len);
		ck_assert_msg(strcmp(sbuf_str(&sb), t[i].want) == 0,
			      "case %zu: got %s want %s", i, sbuf_str(&sb),
			      t[i].want);
		sbuf_free(&sb);
	}
}
END_TEST

START_TEST(test_json_each_byte)
{
	/* _i: the byte value (loop test 0..255) */
	unsigned char b = (unsigned char)_i;
	struct event ev;
	bool any;

	base_event(&ev);
	fill_all(&ev, &b, 1);
	any = check_roundtrip(&ev, &b, 1);
	ck_assert_int_eq(any, b >= 0x80);

	/* and in the middle of ASCII, next to a digit */
	unsigned char s[4] = {'a', b, '7', '"'};

	fill_all(&ev, s, sizeof(s));
	any = check_roundtrip(&ev, s, sizeof(s));
	ck_assert_int_eq(any, b >= 0x80);
	event_free(&ev);
}
END_TEST

START_TEST(test_json_invalid_utf8)
{
	static const struct {
		const char *s;
		size_t len;
		bool valid;
	} t[] = {
		{"\x80", 1, false}, /* lone continuation */
		{"\xbf", 1, false},
		{"a\x80\x80z", 4, false},
		{"\xc3", 1, false}, /* truncated 2-byte */
		{"\xc3z", 2, false},
		{"\xe2\x82", 2, false}, /* truncated 3-byte */
		{"\xe2", 1, false},
		{"\xf0\x9f\x98", 3, false}, /* truncated 4-byte */
		{"\xf0\x9f", 2, false},
		{"\xc0\x80", 2, false},	    /* overlong NUL */
		{"\xc1\xbf", 2, false},	    /* overlong */
		{"\xe0\x80\x80", 3, false}, /* overlong 3 */
		{"\xe0\x9f\xbf", 3, false},
		{"\xf0\x80\x80\x80", 4, false}, /* overlong 4 */
		{"\xf0\x8f\xbf\xbf", 4, false},
		{"\xed\xa0\x80", 3, false},		/* surrogate D800 */
		{"\xed\xbf\xbf", 3, false},		/* surrogate DFFF */
		{"\xed\xa0\x80\xed\xb0\x80", 6, false}, /* CESU pair */
		{"\xf4\x90\x80\x80", 4, false},		/* U+110000 */
		{"\xf5\x80\x80\x80", 4, false},
		{"\xf5", 1, false},
		{"\xf8\x88\x80\x80\x80", 5, false},
		{"\xfc", 1, false},
		{"\xfe\xff", 2, false},
		{"\xff", 1, false},
		{"\xc3\xa9", 2, true},
		{"\xe0\xa0\x80", 3, true},     /* U+0800 */
		{"\xed\x9f\xbf", 3, true},     /* U+D7FF */
		{"\xee\x80\x80", 3, true},     /* U+E000 */
		{"\xef\xbf\xbf", 3, true},     /* U+FFFF */
		{"\xf0\x90\x80\x80", 4, true}, /* U+10000 */
		{"\xf4\x8f\xbf\xbf", 4, true}, /* U+10FFFF */
		{"\xef\xbf\xbd", 3, true},     /* U+FFFD itself */
	};
	struct event ev;

	base_event(&ev);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bool any;

		ck_assert_int_eq(t_utf8_valid(t[i].s, t[i].len), t[i].valid);
		fill_all(&ev, t[i].s, t[i].len);
		any = check_roundtrip(&ev, t[i].s, t[i].len);
		ck_assert_msg(any == !t[i].valid, "case %zu", i);
	}
	event_free(&ev);
}
END_TEST

/* Every two-byte string, and a sweep of 3- and 4-byte ones around the
 * edges of the lead/continuation ranges, against the test's own decoder. */
START_TEST(test_json_utf8_sweep)
{
	static const unsigned char mid[] = {0x00, 0x30, 0x7f, 0x80, 0x8f, 0x90,
					    0x9f, 0xa0, 0xbf, 0xc0, 0xff};
	struct event ev;
	unsigned char s[4];
	struct sbuf sb = SBUF_INIT;
	struct jdoc d;

	base_event(&ev);
	for (unsigned a = 0; a < 256; a++) {
		for (unsigned b = 0; b < 256; b++) {
			s[0] = (unsigned char)a;
			s[1] = (unsigned char)b;
			set_tstr(&ev.target, s, 2);
			sbuf_reset(&sb);
			format_json(&sb, &ev);
			ck_assert(json_line_parse(&sb, &d));
			struct sbuf got = SBUF_INIT;

			recover(&sb, &d, "target", &got);
			ck_assert(got.len == 2 && !memcmp(got.buf, s, 2));
			ck_assert_int_eq(jget(&d, "target_b64") == NULL,
					 t_utf8_valid(s, 2));
			sbuf_free(&got);
		}
	}
	for (unsigned a = 0xe0; a < 0x100; a++) {
		for (size_t j = 0; j < sizeof(mid); j++) {
			for (size_t k = 0; k < sizeof(mid); k++) {
				for (size_t n = 3; n <= 4; n++) {
					struct sbuf got = SBUF_INIT;

					s[0] = (unsigned char)a;
					s[1] = mid[j];
					s[2] = mid[k];
					s[3] = 0x80;
					set_tstr(&ev.target, s, n);
					sbuf_reset(&sb);
					format_json(&sb, &ev);
					ck_assert(json_line_parse(&sb, &d));
					recover(&sb, &d, "target", &got);
					ck_assert(got.len == n &&
						  !memcmp(got.buf, s, n));
					ck_assert_int_eq(
						jget(&d, "target_b64") == NULL,
						t_utf8_valid(s, n));
					sbuf_free(&got);
				}
			}
		}
	}
	sbuf_free(&sb);
	event_free(&ev);
}
END_TEST

START_TEST(test_json_base64_lengths)
{
	/* 0..5 bytes after an invalid byte: all padding cases */
	static const char *const want[] = {
		"\"/w==\"",	"\"/2E=\"",	"\"/2Fi\"",
		"\"/2FiYw==\"", "\"/2FiY2Q=\"", "\"/2FiY2Rl\"",
	};
	char s[6] = {(char)0xff, 'a', 'b', 'c', 'd', 'e'};
	struct event ev;
	struct sbuf sb = SBUF_INIT;
	struct jdoc d;

	base_event(&ev);
	for (size_t n = 1; n <= 6; n++) {
		set_tstr(&ev.target, s, n);
		sbuf_reset(&sb);
		format_json(&sb, &ev);
		ck_assert(json_line_parse(&sb, &d));
		ck_assert_str_eq(jget_raw(&sb, &d, "target_b64"), want[n - 1]);
	}
	sbuf_free(&sb);
	event_free(&ev);
}
END_TEST

START_TEST(test_json_validator_self)
{
	/* the validator itself must refuse what it should */
	static const char *const bad[] = {
		"{\"a\":1,}\n",
		"{\"a\":01}\n",
		"{\"a\":\"\x01\"}\n",
		"{\"a\":\"\\x\"}\n",
		"{\"a\":\"\xff\"}\n",
		"{\"a\":1}",
		"{\"a\":1}\n\n",
		"{\"a\":tru}\n",
		"{\"a\":\"\\ud800\"}\n",
		"{\"a\":1,\"a\":2}\n",
		"[1]\n",
		"{\"a\":[1,]}\n",
	};
	static const char *const good[] = {
		"{}\n",
		"{\"a\":[1,-2.5e+3,true,false,null,{\"b\":[]}]}\n",
		"{\"a\":\"\\ud83d\\ude00\\u00e9\\/\"}\n",
	};
	struct jdoc d;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sbuf sb = SBUF_INIT;

		sbuf_adds(&sb, bad[i]);
		ck_assert_msg(!json_line_parse(&sb, &d), "accepted %s", bad[i]);
		sbuf_free(&sb);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct sbuf sb = SBUF_INIT;

		sbuf_adds(&sb, good[i]);
		ck_assert_msg(json_line_parse(&sb, &d), "refused %s", good[i]);
		sbuf_free(&sb);
	}
}
END_TEST

/* ---- event_free ---- */

/* With the policy known, a report names the deciding rule by its origin
 * (escaped as paths in <...> are), JSON adds "rule_at" after "rule". */
START_TEST(test_rule_origins)
{
	struct policy *p = policy_new();
	struct policy_error err;
	struct event ev;
	struct sbuf sb = SBUF_INIT;
	struct jdoc d;
	static const struct {
		int rule;
		const char *text, *json;
	} t[] = {
		{ 1, "<denied rule -r 1>", "\"-r 1\"" },
		{ 2, "<denied rule /etc/a\\74b\\76\\n.rules:12>",
		  "\"/etc/a<b>\\n.rules:12\"" },
		{ 3, "<denied rule --deny>", "\"--deny\"" },
		{ 4, "<denied rule 4>", "" }, /* not in the policy */
		{ 0, "<denied>", "" },
	};

	ck_assert_int_eq(policy_add(p, "deny", &err), 0);
	ck_assert_int_eq(
		policy_add_rule(p, "deny", 4, "/etc/a<b>\n.rules", 12, &err), 1);
	policy_add_deny_all(p, EPERM);
	output_set_policy(p);
	base_event(&ev);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char want[256];

		ev.rule = t[i].rule;
		snprintf(want, sizeof(want),
			 "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") "
			 "= -1 EPERM (Operation not permitted) %s\n",
			 t[i].text);
		check_text(&ev, &opts_plain, want);
		sbuf_reset(&sb);
		format_json(&sb, &ev);
		ck_assert(json_line_parse(&sb, &d));
		ck_assert_str_eq(jget_raw(&sb, &d, "rule_at"), t[i].json);
		if (t[i].json[0]) {
			const struct jmember *m = jget(&d, "rule_at");

			ck_assert_str_eq((m - 1)->key, "rule");
		}
	}
	ev.action = ACT_AUDIT;
	ev.rule = 1;
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") = -1 "
		   "EPERM (Operation not permitted) <audit rule -r 1>\n");
	output_set_policy(NULL);
	check_text(&ev, &opts_plain,
		   "symlinkat(\"/etc/passwd\", AT_FDCWD</tmp/w>, \"pw\") = -1 "
		   "EPERM (Operation not permitted) <audit rule 1>\n");
	event_free(&ev);
	sbuf_free(&sb);
	policy_free(p);
}
END_TEST

START_TEST(test_event_free)
{
	struct event ev;

	base_event(&ev);
	set_tstr_s(&ev.target_exit, "x");
	set_tstr_s(&ev.linkpath_exit, "y");
	ev.disk_target = xstrdup("z");
	ev.groups = xcalloc(3, sizeof(*ev.groups));
	ev.ngroups = 3;
	event_free(&ev);
	ck_assert_ptr_null(ev.groups);
	ck_assert_int_eq(ev.ngroups, 0);
	ck_assert_ptr_null(ev.exe);
	ck_assert_ptr_null(ev.dir);
	ck_assert_ptr_null(ev.path);
	ck_assert_ptr_null(ev.target_resolved);
	ck_assert_ptr_null(ev.disk_target);
	ck_assert_ptr_null(ev.target.buf);
	ck_assert_ptr_null(ev.linkpath.buf);
	ck_assert_ptr_null(ev.target_exit.buf);
	ck_assert_ptr_null(ev.linkpath_exit.buf);
	ck_assert_int_eq(ev.target.status, TSTR_UNSET);
	ck_assert_int_eq(ev.linkpath_exit.status, TSTR_UNSET);
	event_free(&ev); /* idempotent */
}
END_TEST

/* ---- output_write ---- */

START_TEST(test_output_write_pipe)
{
	int p[2];
	struct event ev;
	struct sbuf sb = SBUF_INIT;
	char buf[512];
	ssize_t n;

	ck_assert_int_eq(pipe(p), 0);
	base_event(&ev);
	format_text(&sb, &ev, &opts_plain);
	format_json(&sb, &ev);
	ck_assert_int_eq(output_write(p[1], &sb), 0);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf));
	ck_assert_int_eq(n, (ssize_t)sb.len);
	ck_assert(memcmp(buf, sb.buf, sb.len) == 0);
	ck_assert_int_eq(read(p[0], buf, sizeof(buf)), 0);
	close(p[0]);

	/* empty buffer: nothing written, success */
	struct sbuf empty = SBUF_INIT;

	ck_assert_int_eq(output_write(1, &empty), 0);
	sbuf_free(&sb);
	event_free(&ev);
}
END_TEST

/* More than a pipe holds: output_write must loop over short writes. */
START_TEST(test_output_write_big)
{
	int p[2];
	struct sbuf sb = SBUF_INIT;
	pid_t pid;
	int status;

	for (int i = 0; i < 40000; i++)
		sbuf_addf(&sb, "line %d\n", i);
	ck_assert_uint_gt(sb.len, 256 * 1024);
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		_exit(output_write(p[1], &sb) == 0 ? 0 : 1);
	}
	close(p[1]);

	size_t got = 0;
	char buf[4096];
	ssize_t n;
	bool same = true;

	while ((n = read(p[0], buf, sizeof(buf))) > 0) {
		if (got + (size_t)n > sb.len ||
		    memcmp(sb.buf + got, buf, (size_t)n) != 0)
			same = false;
		got += (size_t)n;
	}
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert(same);
	ck_assert_uint_eq(got, sb.len);
	sbuf_free(&sb);
}
END_TEST

START_TEST(test_output_write_errors)
{
	int p[2];
	struct sbuf sb = SBUF_INIT;

	sbuf_adds(&sb, "x\n");
	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	ck_assert_int_eq(output_write(p[1], &sb), -EPIPE);
	close(p[1]);
	ck_assert_int_eq(output_write(p[1], &sb), -EBADF);
	sbuf_free(&sb);
}
END_TEST

/* ---- key=value lines ---- */

static void check_kv(const struct event *ev, const char *user,
		     const char *want)
{
	struct sbuf sb = SBUF_INIT;

	format_kv(&sb, ev, user);
	ck_assert_msg(strcmp(sbuf_str(&sb), want) == 0, "got  %swant %s",
		      sbuf_str(&sb), want);
	sbuf_free(&sb);
}

#define KV_HEAD "pid=4242 tid=4243 uid=1000 "

START_TEST(test_kv_fields)
{
	struct event ev;

	setenv("TZ", "UTC", 1);
	tzset();
	base_event(&ev);
	check_kv(&ev, "alice",
		 "time=2026-11-22T03:20:04.123456+00:00 " KV_HEAD
		 "user=alice euid=0 call=symlinkat abi=x86_64 ret=-1 "
		 "errno=EPERM action=deny rule=2 comm=ln exe=/usr/bin/ln "
		 "link=pw path=/tmp/w/pw target=/etc/passwd "
		 "target_resolved=/etc/passwd target_physical=-\n");

	/* the zone's offset, always: +01:00, -05:30 */
	setenv("TZ", "XYZ-1", 1);
	tzset();
	check_kv(&ev, "alice",
		 "time=2026-11-22T04:20:04.123456+01:00 " KV_HEAD
		 "user=alice euid=0 call=symlinkat abi=x86_64 ret=-1 "
		 "errno=EPERM action=deny rule=2 comm=ln exe=/usr/bin/ln "
		 "link=pw path=/tmp/w/pw target=/etc/passwd "
		 "target_resolved=/etc/passwd target_physical=-\n");
	setenv("TZ", "XYZ+5:30", 1);
	tzset();
	check_kv(&ev, NULL,
		 "time=2026-11-21T21:50:04.123456-05:30 " KV_HEAD
		 "user=- euid=0 call=symlinkat abi=x86_64 ret=-1 "
		 "errno=EPERM action=deny rule=2 comm=ln exe=/usr/bin/ln "
		 "link=pw path=/tmp/w/pw target=/etc/passwd "
		 "target_resolved=/etc/passwd target_physical=-\n");
	setenv("TZ", "UTC", 1);
	tzset();

	/* allowed, no rule; unknowns are "-" */
	ev.action = ACT_NONE;
	ev.rule = 0;
	ev.ret = 0;
	replace(&ev.exe, NULL);
	replace(&ev.path, NULL);
	replace(&ev.target_resolved, NULL);
	replace(&ev.target_physical, "/etc/passwd");
	check_kv(&ev, "alice",
		 "time=2026-11-22T03:20:04.123456+00:00 " KV_HEAD
		 "user=alice euid=0 call=symlinkat abi=x86_64 ret=0 "
		 "errno=- action=allow rule=- comm=ln exe=- link=pw path=- "
		 "target=/etc/passwd target_resolved=- "
		 "target_physical=/etc/passwd\n");
	event_free(&ev);
}
END_TEST

/* Values that are not 1+ bytes of 0x21-0x7e but '"' '\\' and not "-"
 * are quoted and escaped exactly as text lines quote strings (the one
 * escape_str()); the optional fields come last, in order. */
START_TEST(test_kv_quoting)
{
	struct event ev;

	setenv("TZ", "UTC", 1);
	tzset();
	base_event(&ev);
	strcpy(ev.comm, "a b");
	set_tstr_s(&ev.target, "x\n\x9b[2J\"\\<>\xff");
	set_tstr_s(&ev.linkpath, "-");
	replace(&ev.path, "/w/=ok");
	ev.abi = ABI_I386;
	ev.finished = false;
	ev.action = ACT_KILL;
	ev.refused = "magic link";
	ev.unresolved = "chroot";
	ev.target_unjudged = "x";
	ev.tags = TAG_TOCTOU | TAG_UNVERIFIED;
	check_kv(&ev, "a\tb",
		 "time=2026-11-22T03:20:04.123456+00:00 " KV_HEAD
		 "user=\"a\\tb\" euid=0 call=symlinkat abi=i386 ret=? "
		 "errno=- action=kill rule=2 comm=\"a b\" exe=/usr/bin/ln "
		 "link=\"-\" path=/w/=ok "
		 "target=\"x\\n\\233[2J\\\"\\\\<>\\377\" "
		 "target_resolved=/etc/passwd target_physical=- "
		 "refused=\"magic link\" "
		 "unresolved=chroot target_unjudged=x tags=TOCTOU,UNVERIFIED\n");

	/* an empty string, one too long, an unreadable pointer, NULL */
	ev.refused = ev.unresolved = ev.target_unjudged = NULL;
	ev.tags = 0;
	ev.finished = true;
	ev.ret = -ENOENT;
	ev.action = ACT_NONE;
	ev.rule = 0;
	set_tstr_s(&ev.target, "");
	set_tstr_s(&ev.linkpath, "ab");
	ev.linkpath.status = TSTR_TOOLONG;
	check_kv(&ev, NULL,
		 "time=2026-11-22T03:20:04.123456+00:00 " KV_HEAD
		 "user=- euid=0 call=symlinkat abi=i386 ret=-1 "
		 "errno=ENOENT action=allow rule=- comm=\"a b\" "
		 "exe=/usr/bin/ln link=\"ab\"... path=/w/=ok "
		 "target=\"\" target_resolved=/etc/passwd "
		 "target_physical=-\n");
	tstr_free(&ev.target);
	ev.target.status = TSTR_FAULT;
	ev.target.addr = 0x1000;
	ev.linkpath.status = TSTR_NULL;
	check_kv(&ev, NULL,
		 "time=2026-11-22T03:20:04.123456+00:00 " KV_HEAD
		 "user=- euid=0 call=symlinkat abi=i386 ret=-1 "
		 "errno=ENOENT action=allow rule=- comm=\"a b\" "
		 "exe=/usr/bin/ln link=- path=/w/=ok target=- "
		 "target_resolved=/etc/passwd target_physical=-\n");
	event_free(&ev);
}
END_TEST

/* format_kv_cap() (--syslog): each value the caller sizes in at most
 * cap bytes: cut ones quoted, then "...", never cut inside an escape,
 * and " truncated=yes" last; the rest (comm too) whole; 0: no cap. */
static void check_kv_cap(const struct event *ev, size_t cap,
			 const char *want)
{
	struct sbuf sb = SBUF_INIT;

	format_kv_cap(&sb, ev, "alice", cap);
	ck_assert_msg(strcmp(sbuf_str(&sb), want) == 0, "got  %swant %s",
		      sbuf_str(&sb), want);
	sbuf_free(&sb);
}

START_TEST(test_kv_cap)
{
	struct event ev;
	struct sbuf sb = SBUF_INIT;

	setenv("TZ", "UTC", 1);
	tzset();
	base_event(&ev);
	strcpy(ev.comm, "abcdefghijklmno");
	set_tstr_s(&ev.target, "\377\377\377");
	set_tstr_s(&ev.linkpath, "abcdefghijkl");
	ev.linkpath.status = TSTR_TOOLONG;
	ev.tags = TAG_SHARED;
	check_kv_cap(&ev, 10,
		     "time=2026-11-22T03:20:04.123456+00:00 " KV_HEAD
		     "user=alice euid=0 call=symlinkat abi=x86_64 ret=-1 "
		     "errno=EPERM action=deny rule=2 comm=abcdefghijklmno "
		     "exe=\"/usr/\"... link=\"abcde\"... path=/tmp/w/pw "
		     "target=\"\\377\"... target_resolved=\"/etc/\"... "
		     "target_physical=- tags=SHARED truncated=yes\n");
	/* all fit: nothing cut, the line of format_kv() */
	format_kv(&sb, &ev, "alice");
	check_kv_cap(&ev, 20, sbuf_str(&sb));
	check_kv_cap(&ev, 0, sbuf_str(&sb));
	sbuf_free(&sb);
	event_free(&ev);
}
END_TEST

/* ---- journal records ---- */

START_TEST(test_journal_encode)
{
	static const char want[] = "A=1\nMESSAGE\n\x05\0\0\0\0\0\0\0x\ny\0z\n"
				   "E=\nB=\x9b\0\n";
	struct journal_field f[] = {
		{ "A", "1", 1 },
		{ "MESSAGE", "x\ny\0z", 5 },
		{ "E", "", 0 },
		{ "B", "\x9b\0", 2 },
	};
	struct sbuf sb = SBUF_INIT;

	journal_encode(&sb, f, 4);
	ck_assert_uint_eq(sb.len, sizeof(want) - 1);
	ck_assert_mem_eq(sb.buf, want, sizeof(want) - 1);
	sbuf_free(&sb);
}
END_TEST

START_TEST(test_journal_fields)
{
	static const char msg[] =
		"time=2026-11-22T03:20:04.123456+00:00 " KV_HEAD
		"user=alice euid=0 call=symlinkat abi=x86_64 ret=-1 "
		"errno=EPERM action=deny rule=2 comm=ln exe=/usr/bin/ln "
		"link=pw path=/tmp/w/pw target=\"/etc/\\npasswd\" "
		"target_resolved=/etc/passwd target_physical=-";
	struct sbuf want = SBUF_INIT, got = SBUF_INIT;
	struct event ev;

	setenv("TZ", "UTC", 1);
	tzset();
	base_event(&ev);
	set_tstr_s(&ev.target, "/etc/\npasswd");
	sbuf_addf(&want, "MESSAGE=%s\n", msg);
	sbuf_adds(&want, "PRIORITY=4\nSYSLOG_FACILITY=10\n"
			 "SYSLOG_IDENTIFIER=symtrace\nSYMTRACE_ACTION=deny\n"
			 "SYMTRACE_CALL=symlinkat\nSYMTRACE_LINK=pw\n"
			 "SYMTRACE_PATH=/tmp/w/pw\nSYMTRACE_TARGET\n");
	sbuf_add(&want, "\x0c\0\0\0\0\0\0\0/etc/\npasswd\n", 21);
	sbuf_adds(&want, "SYMTRACE_TARGET_RESOLVED=/etc/passwd\n"
			 "SYMTRACE_RET=-1\nSYMTRACE_ERRNO=EPERM\n"
			 "SYMTRACE_RULE=2\nSYMTRACE_UID=1000\n"
			 "SYMTRACE_USER=alice\nSYMTRACE_EUID=0\n"
			 "SYMTRACE_PID=4242\nSYMTRACE_TID=4243\n"
			 "SYMTRACE_COMM=ln\nSYMTRACE_EXE=/usr/bin/ln\n");
	format_journal(&got, &ev, "alice");
	ck_assert_msg(got.len == want.len &&
			      memcmp(got.buf, want.buf, got.len) == 0,
		      "got:\n%.*s\nwant:\n%.*s", (int)got.len, got.buf,
		      (int)want.len, want.buf);

	/* allowed at info, audit at notice; unknowns left out */
	ev.action = ACT_AUDIT;
	ev.rule = 0;
	ev.ret = 0;
	ev.tags = TAG_SHARED;
	replace(&ev.exe, NULL);
	sbuf_reset(&got);
	format_journal(&got, &ev, NULL);
	ck_assert_ptr_nonnull(memmem(got.buf, got.len, "\nPRIORITY=5\n", 12));
	ck_assert_ptr_nonnull(memmem(got.buf, got.len,
				     "\nSYMTRACE_ACTION=audit\n", 23));
	ck_assert_ptr_nonnull(memmem(got.buf, got.len,
				     "\nSYMTRACE_TAGS=SHARED\n", 22));
	ck_assert_ptr_null(memmem(got.buf, got.len, "SYMTRACE_EXE", 12));
	ck_assert_ptr_null(memmem(got.buf, got.len, "SYMTRACE_USER", 13));
	ck_assert_ptr_null(memmem(got.buf, got.len, "SYMTRACE_ERRNO", 14));
	ck_assert_ptr_null(memmem(got.buf, got.len, "SYMTRACE_RULE", 13));
	ev.action = ACT_ALLOW;
	ev.tags = 0;
	sbuf_reset(&got);
	format_journal(&got, &ev, NULL);
	ck_assert_ptr_nonnull(memmem(got.buf, got.len, "\nPRIORITY=6\n", 12));
	event_free(&ev);
	sbuf_free(&got);
	sbuf_free(&want);
}
END_TEST

static Suite *output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc;

	tc = tcase_create("escape");
	tcase_add_loop_test(tc, test_escape_strace_table, 0, 256);
	tcase_add_test(tc, test_escape_strace_symlink);
	tcase_add_test(tc, test_escape_digit_rule);
	tcase_add_test(tc, test_escape_truncated);
	tcase_add_loop_test(tc, test_annotation_every_byte, 1, 256);
	suite_add_tcase(s, tc);

	tc = tcase_create("args");
	tcase_add_test(tc, test_format_tstr_states);
	tcase_add_test(tc, test_format_dirfd);
	suite_add_tcase(s, tc);

	tc = tcase_create("text");
	tcase_add_test(tc, test_text_symlinkat_denied);
	tcase_add_test(tc, test_text_symlinkat_ok);
	tcase_add_test(tc, test_rule_origins);
	tcase_add_test(tc, test_text_symlink);
	tcase_add_test(tc, test_text_killed_unfinished);
	tcase_add_test(tc, test_text_abi_tags);
	tcase_add_test(tc, test_text_toctou);
	tcase_add_test(tc, test_text_timestamps);
	tcase_add_test(tc, test_text_errno_unnamed);
	tcase_add_test(tc, test_text_side_doors);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_test(tc, test_json_validator_self);
	tcase_add_test(tc, test_json_golden);
	tcase_add_test(tc, test_json_fields);
	tcase_add_test(tc, test_json_str);
	tcase_add_test(tc, test_json_base64_lengths);
	suite_add_tcase(s, tc);

	/* limits and edge cases: every byte, malformed UTF-8 */
	tc = tcase_create("json_bytes");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_json_each_byte, 0, 256);
	tcase_add_test(tc, test_json_invalid_utf8);
	tcase_add_test(tc, test_json_utf8_sweep);
	suite_add_tcase(s, tc);

	tc = tcase_create("kv");
	tcase_add_test(tc, test_kv_fields);
	tcase_add_test(tc, test_kv_quoting);
	tcase_add_test(tc, test_kv_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("journal");
	tcase_add_test(tc, test_journal_encode);
	tcase_add_test(tc, test_journal_fields);
	suite_add_tcase(s, tc);

	tc = tcase_create("event");
	tcase_add_test(tc, test_event_free);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_test(tc, test_output_write_pipe);
	tcase_add_test(tc, test_output_write_big);
	tcase_add_test(tc, test_output_write_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(output_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
