/// The North American Numbering Plan area codes and the IANA time zones each one covers (R3).
///
/// Source: compiled in 2026 from NANPA's public area-code assignments (nationalnanpa.com,
/// "Area Code Maps" and the NPA database) and the zone descriptions of the IANA tz database
/// (zone1970.tab). An area code that spans a zone boundary lists every zone it covers — for
/// example 850 (the Florida panhandle) lists Chicago and New York — because R2 intersects the
/// windows of all candidates, and Florida law presumes the area code's zone. Non-geographic
/// codes (toll-free, 500, 900 …) are absent: they say nothing about where a debtor is.
///
/// Format: `zone<TAB>area codes separated by spaces`, a zone's codes on one line or, within
/// 120 columns, on several lines that each name the zone; a code may appear for several zones.
enum NANPAreaCodes {
    static let table = """
        America/New_York	203 475 860 959 302 202 771 239 305 321 324 352 386 407 448 561 645 656 689 727 728 754 772 786
        America/New_York	813 850 863 904 941 954 229 404 470 478 678 706 762 770 912 943 207 227 240 301 410 443 667 339
        America/New_York	351 413 508 617 774 781 857 978 603 201 551 609 640 732 848 856 862 908 973 212 315 329 332 347
        America/New_York	363 516 518 585 607 624 631 646 680 716 718 838 845 914 917 929 934 252 336 472 704 743 828 910
        America/New_York	919 980 984 216 220 234 283 326 330 380 419 436 440 513 567 614 740 937 215 223 267 272 412 445
        America/New_York	484 570 582 610 717 724 814 835 878 401 803 821 839 843 854 864 423 865 802 276 434 540 571 703
        America/New_York	757 804 826 948 304 681 270 364 502 606 859
        America/Chicago	205 251 256 334 659 938 327 479 501 870 850 217 224 309 312 331 447 464 618 630 708 730 773 779
        America/Chicago	815 847 861 872 219 812 930 319 515 563 641 712 316 620 785 913 270 364 225 318 337 504 985 218
        America/Chicago	320 507 612 651 763 952 228 601 662 769 235 314 417 557 573 636 660 816 975 308 402 531 701 405
        America/Chicago	539 572 580 918 605 615 629 731 901 931 210 214 254 281 325 346 361 409 430 432 469 512 682 713
        America/Chicago	726 737 806 817 830 832 903 936 940 945 956 972 979 262 274 414 534 608 715 920 906 807
        America/Indiana/Indianapolis	260 317 463 574 765 812 930
        America/Detroit	231 248 269 313 517 586 616 679 734 810 906 947 989
        America/Menominee	906
        America/Denver	303 719 720 970 983 208 986 620 785 308 406 505 575 701 605 915 385 435 801 307 928
        America/Boise	208 986 458 541
        America/Phoenix	480 520 602 623 928
        America/Los_Angeles	209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669
        America/Los_Angeles	707 714 747 760 805 818 820 831 840 858 909 916 925 949 951 208 986 702 725 775 458 503 541
        America/Los_Angeles	971 206 253 360 425 509 564
        America/Anchorage	907
        America/Adak	907
        Pacific/Honolulu	808
        America/Puerto_Rico	787 939
        America/St_Thomas	340
        Pacific/Guam	671
        Pacific/Saipan	670
        Pacific/Pago_Pago	684
        America/Winnipeg	204 431 584 807
        America/Vancouver	236 250 604 672 778
        America/Edmonton	368 403 587 780 825 250
        America/Regina	306 474 639
        America/Toronto	226 249 289 343 365 416 437 519 548 613 647 683 705 742 753 807 905 354 367 418 438 450 468 514
        America/Toronto	579 581 819 873
        America/Moncton	428 506
        America/Halifax	782 902 709
        America/St_Johns	709
        America/Whitehorse	867
        America/Yellowknife	867
        America/Iqaluit	867
        America/Nassau	242
        America/Barbados	246
        America/Anguilla	264
        America/Antigua	268
        America/Tortola	284
        America/Cayman	345
        Atlantic/Bermuda	441
        America/Grenada	473
        America/Grand_Turk	649
        America/Jamaica	658 876
        America/Montserrat	664
        America/Lower_Princes	721
        America/St_Lucia	758
        America/Dominica	767
        America/St_Vincent	784
        America/Santo_Domingo	809 829 849
        America/Port_of_Spain	868
        America/St_Kitts	869
        """

    /// Area code → the zones it covers, parsed once.
    static let zones: [String: [String]] = {
        var map: [String: [String]] = [:]
        for line in table.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            guard parts.count == 2 else { continue }
            for code in parts[1].split(separator: " ") where !(map[String(code)]?.contains(String(parts[0])) ?? false) {
                map[String(code), default: []].append(String(parts[0]))
            }
        }
        return map
    }()
}
