//! Every function against Terraform's own answers.

mod paths {
    use super::super::*;

    /// A call with no files to read.
    fn call(name: &str, args: Vec<EvalValue>) -> Result<EvalValue, String> {
        super::super::call(name, args, None).map_err(|e| e.message)
    }

    fn one(name: &str, arg: &str) -> EvalValue {
        call(name, vec![EvalValue::String(arg.into())]).unwrap()
    }

    #[test]
    fn basename_and_dirname_split_paths_as_terraform_does() {
        assert_eq!(one("basename", "/work/infra/prod"), EvalValue::String("prod".into()));
        assert_eq!(one("basename", "foo/bar.tf"), EvalValue::String("bar.tf".into()));
        assert_eq!(one("basename", "/"), EvalValue::String("/".into()));
        assert_eq!(one("dirname", "/work/infra/prod"), EvalValue::String("/work/infra".into()));
        assert_eq!(one("dirname", "main.tf"), EvalValue::String(".".into()));
        assert_eq!(one("dirname", "/main.tf"), EvalValue::String("/".into()));
    }
}

mod all {
    use super::super::*;

    /// A call with no files to read.
    fn call(name: &str, args: Vec<EvalValue>) -> Result<EvalValue, String> {
        super::super::call(name, args, None).map_err(|e| e.message)
    }

    fn s(x: &str) -> EvalValue {
        EvalValue::str(x)
    }
    fn n(x: f64) -> EvalValue {
        EvalValue::num(x)
    }
    fn b(x: bool) -> EvalValue {
        EvalValue::Bool(x)
    }
    fn l(items: Vec<EvalValue>) -> EvalValue {
        EvalValue::List(items)
    }
    fn ls(items: &[&str]) -> EvalValue {
        EvalValue::List(items.iter().map(|x| s(x)).collect())
    }
    fn m(pairs: Vec<(&str, EvalValue)>) -> EvalValue {
        EvalValue::Map(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }
    fn secret(v: EvalValue) -> EvalValue {
        EvalValue::Sensitive(Box::new(v))
    }
    const U: EvalValue = EvalValue::unknown();

    #[test]
    fn every_name_dispatches() {
        for name in FUNCTIONS.iter().map(|f| f.name) {
            assert!(exists(name));
            // Every name reaches its function: none answers "no such function".
            if let Err(e) = call(name, vec![]) {
                assert!(!e.contains("no function named"), "{name}: {e}");
            }
        }
        assert!(!exists("formatdate"));
        assert_eq!(call("formatdate", vec![]), Err("there is no function named \"formatdate\"".to_owned()));
        // Known only when Terraform applies the plan.
        assert_eq!(call("timestamp", vec![]), Ok(EvalValue::unknown()));
    }

    #[test]
    fn functions_added_for_real_configurations() {
        assert_eq!(call("alltrue", vec![l(vec![EvalValue::Bool(true), s("true")])]), Ok(EvalValue::Bool(true)));
        assert_eq!(call("alltrue", vec![l(vec![])]), Ok(EvalValue::Bool(true)));
        assert_eq!(call("anytrue", vec![l(vec![EvalValue::Bool(false), U])]), Ok(U));
        assert_eq!(call("anytrue", vec![l(vec![])]), Ok(EvalValue::Bool(false)));
        assert_eq!(call("chomp", vec![s("hello\r\n\n")]), Ok(s("hello")));
        assert_eq!(call("indent", vec![n(2.0), s("a\nb\nc")]), Ok(s("a\n  b\n  c")));
        assert_eq!(call("strrev", vec![s("héllo")]), Ok(s("olléh")));
        assert_eq!(call("urlencode", vec![s("a b/c?d=é~")]), Ok(s("a+b%2Fc%3Fd%3D%C3%A9~")));
        assert_eq!(call("parseint", vec![s("FF"), n(16.0)]), Ok(n(255.0)));
        assert_eq!(call("parseint", vec![s("-zZ"), n(62.0)]), Ok(n(-2231.0)));
        assert!(call("parseint", vec![s("12"), n(2.0)]).is_err());
        assert_eq!(call("pow", vec![n(2.0), n(10.0)]), Ok(n(1024.0)));
        assert_eq!(call("signum", vec![n(-3.0)]), Ok(n(-1.0)));
        assert_eq!(call("log", vec![n(8.0), n(2.0)]), Ok(n(3.0)));
        assert_eq!(
            call("matchkeys", vec![ls(&["i-1", "i-2", "i-3"]), ls(&["a", "b", "a"]), ls(&["a"])]),
            Ok(ls(&["i-1", "i-3"]))
        );
        assert_eq!(
            call("setproduct", vec![ls(&["a", "b"]), ls(&["x"])]),
            Ok(l(vec![ls(&["a", "x"]), ls(&["b", "x"])]))
        );
        // As `terraform console` gives them.
        assert_eq!(call("md5", vec![s("hello world")]), Ok(s("5eb63bbbe01eeed093cb22bb8f5acdc3")));
        assert_eq!(call("sha1", vec![s("hello world")]), Ok(s("2aae6c35c94fcfb415dbe95f408b9ce91ee846ed")));
        assert_eq!(
            call("sha256", vec![s("hello world")]),
            Ok(s("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"))
        );
        assert_eq!(call("base64sha256", vec![s("hello world")]), Ok(s("uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")));
        assert_eq!(
            call("uuidv5", vec![s("dns"), s("www.terraform.io")]),
            Ok(s("a5008fae-b28c-5ba5-96cd-82b4c53552d6"))
        );
        assert_eq!(call("pathexpand", vec![s("~/.ssh/id_rsa")]), Ok(U));
        assert_eq!(call("pathexpand", vec![s("/etc/x")]), Ok(s("/etc/x")));
    }

    #[test]
    fn wrong_arity_and_types_are_errors() {
        assert_eq!(call("upper", vec![]), Err("upper: expects 1 argument(s), got 0".to_owned()));
        assert_eq!(call("lookup", vec![m(vec![])]), Err("lookup: expects 2 to 3 argument(s), got 1".to_owned()));
        assert_eq!(call("join", vec![]), Err("join: expects at least 1 argument(s), got 0".to_owned()));
        assert_eq!(
            call("upper", vec![ls(&["a"])]),
            Err("upper: invalid value for \"str\" parameter: string required".to_owned())
        );
        assert_eq!(
            call("upper", vec![EvalValue::Null]),
            Err("upper: invalid value for \"str\" parameter: argument must not be null".to_owned())
        );
    }

    #[test]
    fn top_level_unknown_is_unknown() {
        assert_eq!(call("upper", vec![U]), Ok(U));
    }

    // --- network ---------------------------------------------------------------------

    #[test]
    fn cidrsubnet_documentation_examples() {
        assert_eq!(call("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0), n(2.0)]), Ok(s("10.0.2.0/24")));
        assert_eq!(call("cidrsubnet", vec![s("172.16.0.0/12"), n(4.0), n(2.0)]), Ok(s("172.18.0.0/16")));
        assert_eq!(call("cidrsubnet", vec![s("10.1.2.0/24"), n(4.0), n(15.0)]), Ok(s("10.1.2.240/28")));
        assert_eq!(
            call("cidrsubnet", vec![s("fd00:fd12:3456:7890::/56"), n(16.0), n(162.0)]),
            Ok(s("fd00:fd12:3456:7800:a200::/72"))
        );
    }

    #[test]
    fn cidrsubnet_converts_and_checks() {
        assert_eq!(call("cidrsubnet", vec![s("10.0.0.0/16"), s("8"), n(1.0)]), Ok(s("10.0.1.0/24")));
        assert_eq!(call("cidrsubnet", vec![s("10.0.7.9/16"), n(0.0), n(0.0)]), Ok(s("10.0.0.0/16")));
        assert_eq!(call("cidrsubnet", vec![s("010.001.0.0/016"), n(8.0), n(3.0)]), Ok(s("10.1.3.0/24")));
        assert_eq!(call("cidrsubnet", vec![s("fd00::/08"), n(8.0), n(1.0)]), Ok(s("fd01::/16")));
        assert_eq!(call("cidrsubnet", vec![s("::ffff:10.0.0.0/104"), n(8.0), n(1.0)]), Ok(s("10.1.0.0/16")));
        assert!(call("cidrsubnet", vec![s("1000.0.0.0/8"), n(8.0), n(1.0)]).is_err());
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0), n(300.0)]),
            Err("cidrsubnet: prefix extension of 8 does not accommodate a subnet numbered 300".to_owned())
        );
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0.0/16"), n(17.0), n(0.0)]),
            Err("cidrsubnet: insufficient address space to extend prefix of 16 by 17".to_owned())
        );
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0), n(-1.0)]),
            Err("cidrsubnet: prefix extension of 8 does not accommodate a subnet numbered -1".to_owned())
        );
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0/16"), n(8.0), n(1.0)]),
            Err("cidrsubnet: invalid CIDR expression: invalid CIDR address: 10.0.0/16".to_owned())
        );
        assert!(call("cidrsubnet", vec![s("10.0.0.0/8"), n(1e18), n(1e18)]).is_err());
        assert!(call("cidrsubnet", vec![s("::/0"), n(128.0), n(1e300)]).is_err());
        assert_eq!(call("cidrsubnet", vec![s("::/0"), n(128.0), n(5.0)]), Ok(s("::5/128")));
        assert_eq!(
            call("cidrsubnet", vec![s("10.0.0.0/16"), n(8.5), n(1.0)]),
            Err("cidrsubnet: invalid value for \"newbits\" parameter: a whole number is required".to_owned())
        );
    }

    #[test]
    fn cidrsubnets_documentation_examples() {
        assert_eq!(
            call("cidrsubnets", vec![s("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)]),
            Ok(ls(&["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]))
        );
        assert_eq!(
            call("cidrsubnets", vec![s("fd00:fd12:3456:7890::/56"), n(16.0), n(16.0), n(16.0), n(32.0)]),
            Ok(ls(&[
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88",
            ]))
        );
    }

    #[test]
    fn cidrsubnets_aligns_and_runs_out() {
        assert_eq!(call("cidrsubnets", vec![s("10.0.0.0/16")]), Ok(l(vec![])));
        assert_eq!(
            call("cidrsubnets", vec![s("10.0.0.0/24"), n(2.0), n(1.0)]),
            Ok(ls(&["10.0.0.0/26", "10.0.0.128/25"]))
        );
        assert_eq!(
            call("cidrsubnets", vec![s("10.0.0.0/24"), n(1.0), n(1.0), n(1.0)]),
            Err("cidrsubnets: not enough remaining address space for a subnet with a prefix of 25 bits after \
                 10.0.0.128/25"
                .to_owned())
        );
        assert_eq!(
            call("cidrsubnets", vec![s("10.0.0.0/24"), n(0.0)]),
            Err("cidrsubnets: must extend prefix by at least one bit".to_owned())
        );
        assert_eq!(
            call("cidrsubnets", vec![s("10.0.0.0/24"), n(9.0)]),
            Err("cidrsubnets: would extend prefix to 33 bits, which is too long for an IPv4 address".to_owned())
        );
        assert_eq!(
            call("cidrsubnets", vec![s("fd00::/16"), n(33.0)]),
            Err("cidrsubnets: may not extend prefix by more than 32 bits".to_owned())
        );
        // Terraform refuses prefixes starting at the all-zeros address (terraform#35486).
        assert!(call("cidrsubnets", vec![s("0.0.0.0/8"), n(8.0)]).is_err());
    }

    #[test]
    fn cidrhost_documentation_examples() {
        assert_eq!(call("cidrhost", vec![s("10.12.112.0/20"), n(16.0)]), Ok(s("10.12.112.16")));
        assert_eq!(call("cidrhost", vec![s("10.12.112.0/20"), n(268.0)]), Ok(s("10.12.113.12")));
        assert_eq!(
            call("cidrhost", vec![s("fd00:fd12:3456:7890:00a2::/72"), n(34.0)]),
            Ok(s("fd00:fd12:3456:7890::22"))
        );
        assert_eq!(call("cidrhost", vec![s("10.0.0.0/8"), n(2.0)]), Ok(s("10.0.0.2")));
        assert_eq!(call("cidrhost", vec![s("10.0.0.0/8"), n(-2.0)]), Ok(s("10.255.255.254")));
    }

    #[test]
    fn cidrhost_counts_back_and_checks() {
        assert_eq!(call("cidrhost", vec![s("10.0.0.0/24"), n(-1.0)]), Ok(s("10.0.0.255")));
        assert_eq!(call("cidrhost", vec![s("10.0.0.0/24"), n(-256.0)]), Ok(s("10.0.0.0")));
        assert_eq!(call("cidrhost", vec![s("10.0.0.0/24"), s("5")]), Ok(s("10.0.0.5")));
        assert_eq!(
            call("cidrhost", vec![s("10.0.0.0/24"), n(256.0)]),
            Err("cidrhost: prefix of 24 does not accommodate a host numbered 256".to_owned())
        );
        assert_eq!(
            call("cidrhost", vec![s("10.0.0.0/24"), n(-257.0)]),
            Err("cidrhost: prefix of 24 does not accommodate a host numbered -257".to_owned())
        );
        assert_eq!(call("cidrhost", vec![s("::/0"), n(-1.0)]), Ok(s("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
        assert!(call("cidrhost", vec![s("10.0.0.0/8"), n(1e300)]).is_err());
    }

    #[test]
    fn cidrnetmask_ipv4_only() {
        assert_eq!(call("cidrnetmask", vec![s("172.16.0.0/12")]), Ok(s("255.240.0.0")));
        assert_eq!(call("cidrnetmask", vec![s("0.0.0.0/0")]), Ok(s("0.0.0.0")));
        assert_eq!(call("cidrnetmask", vec![s("10.0.0.1/32")]), Ok(s("255.255.255.255")));
        assert_eq!(
            call("cidrnetmask", vec![s("fd00::/8")]),
            Err("cidrnetmask: IPv6 addresses cannot have a netmask: fd00::/8".to_owned())
        );
    }

    // --- format --------------------------------------------------------------------------

    fn fmt(spec: &str, args: Vec<EvalValue>) -> Result<EvalValue, String> {
        let mut all = vec![s(spec)];
        all.extend(args);
        call("format", all)
    }

    #[test]
    fn format_documentation_examples() {
        assert_eq!(fmt("Hello, %s!", vec![s("Ander")]), Ok(s("Hello, Ander!")));
        assert_eq!(fmt("There are %d lights", vec![n(4.0)]), Ok(s("There are 4 lights")));
        assert_eq!(fmt("%#v", vec![s("hello")]), Ok(s("\"hello\"")));
        assert_eq!(fmt("%#v", vec![b(true)]), Ok(s("true")));
        assert_eq!(fmt("%#v", vec![n(1.0)]), Ok(s("1")));
        assert_eq!(fmt("%#v", vec![m(vec![("a", n(1.0))])]), Ok(s("{\"a\":1}")));
        assert_eq!(fmt("%#v", vec![l(vec![b(true)])]), Ok(s("[true]")));
        assert_eq!(fmt("%#v", vec![EvalValue::Null]), Ok(s("null")));
    }

    #[test]
    fn format_verbs() {
        assert_eq!(fmt("%v %v %v", vec![s("x"), n(2.0), b(true)]), Ok(s("x 2 true")));
        assert_eq!(fmt("%v", vec![n(1_000_000.0)]), Ok(s("1e+06")));
        assert_eq!(fmt("%v", vec![n(0.5)]), Ok(s("0.5")));
        assert_eq!(fmt("%v", vec![ls(&["a"])]), Ok(s("[\"a\"]")));
        assert_eq!(fmt("%t", vec![s("false")]), Ok(s("false")));
        assert_eq!(fmt("%b %o %x %X", vec![n(5.0), n(9.0), n(254.0), n(254.0)]), Ok(s("101 11 fe FE")));
        assert_eq!(fmt("%#x %#o %#b", vec![n(255.0), n(8.0), n(5.0)]), Ok(s("0xff 010 0b101")));
        assert_eq!(fmt("%d", vec![s("12")]), Ok(s("12")));
        assert_eq!(fmt("%d", vec![n(-7.0)]), Ok(s("-7")));
        assert_eq!(fmt("%f", vec![n(10.0)]), Ok(s("10.000000")));
        assert_eq!(fmt("%.2f", vec![n(1.23456)]), Ok(s("1.23")));
        assert_eq!(fmt("%.1f", vec![s("1.06")]), Ok(s("1.1")));
        assert_eq!(fmt("%e", vec![n(1000.0)]), Ok(s("1.000000e+03")));
        assert_eq!(fmt("%E", vec![n(1000.0)]), Ok(s("1.000000E+03")));
        assert_eq!(fmt("%.2e", vec![n(-0.000123)]), Ok(s("-1.23e-04")));
        assert_eq!(fmt("%g", vec![n(1000.0)]), Ok(s("1000")));
        assert_eq!(fmt("%g", vec![s("0.00000000000000000000001")]), Ok(s("1e-23")));
        assert_eq!(fmt("%G", vec![s("0.00000000000000000000001")]), Ok(s("1E-23")));
        assert_eq!(fmt("%.3g", vec![n(1.23456)]), Ok(s("1.23")));
        assert_eq!(fmt("%.2g", vec![n(1234.0)]), Ok(s("1.2e+03")));
        assert_eq!(fmt("%q", vec![s("Hello\nWorld")]), Ok(s("\"Hello\\nWorld\"")));
        assert_eq!(fmt("%q", vec![b(false)]), Ok(s("\"false\"")));
        assert_eq!(fmt("%q", vec![s("a<b")]), Ok(s("\"a\\u003cb\"")));
        assert_eq!(fmt("100%%", vec![]), Ok(s("100%")));
        assert_eq!(fmt("%%%v", vec![b(false)]), Ok(s("%false")));
    }

    #[test]
    fn format_width_flags_and_precision() {
        assert_eq!(fmt("%10s|", vec![s("hello")]), Ok(s("     hello|")));
        assert_eq!(fmt("%-10s|", vec![s("hello")]), Ok(s("hello     |")));
        assert_eq!(fmt("%.2s", vec![s("hello")]), Ok(s("he")));
        assert_eq!(fmt("%4.2s", vec![s("hello")]), Ok(s("  he")));
        assert_eq!(fmt("%6.2q", vec![s("hello")]), Ok(s("  \"he\"")));
        assert_eq!(fmt("%.5s", vec![s("日本語日本語")]), Ok(s("日本語日本")));
        assert_eq!(fmt("%05d", vec![n(42.0)]), Ok(s("00042")));
        assert_eq!(fmt("%05d", vec![n(-42.0)]), Ok(s("-0042")));
        assert_eq!(fmt("%+d", vec![n(10.0)]), Ok(s("+10")));
        assert_eq!(fmt("% d", vec![n(10.0)]), Ok(s(" 10")));
        assert_eq!(fmt("%5d|%-5d|", vec![n(10.0), n(10.0)]), Ok(s("   10|10   |")));
        assert_eq!(fmt("%.3d", vec![n(7.0)]), Ok(s("007")));
        assert_eq!(fmt("[%.0d]", vec![n(0.0)]), Ok(s("[]")));
        assert_eq!(fmt("%+f", vec![n(10.0)]), Ok(s("+10.000000")));
        assert_eq!(fmt("%8.3f|", vec![n(1.23456)]), Ok(s("   1.235|")));
        assert_eq!(fmt("%-8.3f|", vec![n(-1.23456)]), Ok(s("-1.235  |")));
        assert_eq!(fmt("%08.3f", vec![n(-1.23456)]), Ok(s("-001.235")));
        assert_eq!(fmt("%5v|", vec![n(1.0)]), Ok(s("    1|")));
        assert_eq!(fmt("%5t|", vec![b(true)]), Ok(s("true|")));
    }

    #[test]
    fn format_argument_indexes() {
        assert_eq!(fmt("%[2]s %[1]s", vec![s("a"), s("b")]), Ok(s("b a")));
        assert_eq!(fmt("%[2]d %d", vec![n(1.0), n(2.0), n(3.0)]), Ok(s("2 3")));
        assert_eq!(fmt("%[2]d %[1]d %d", vec![n(1.0), n(2.0)]), Ok(s("2 1 2")));
        assert_eq!(
            fmt("%[2]d", vec![n(1.0), n(2.0), n(3.0)]),
            Err("format: too many arguments; only 2 used by format string".to_owned())
        );
    }

    #[test]
    fn format_errors() {
        assert_eq!(
            fmt("%s is not in the args list", vec![]),
            Err("format: not enough arguments for \"%s\" at 0: need index 1 but have 0 total".to_owned())
        );
        assert_eq!(
            fmt("%[3]s", vec![b(true), b(true)]),
            Err("format: not enough arguments for \"%[3]s\" at 0: need index 3 but have 2 total".to_owned())
        );
        assert_eq!(
            fmt("%[0]s", vec![b(true)]),
            Err("format: unrecognized format character '0' at offset 2".to_owned())
        );
        assert_eq!(
            fmt("%z is not a valid sequence", vec![n(10.0)]),
            Err("format: unsupported format verb 'z' in \"%z\" at offset 0".to_owned())
        );
        assert_eq!(
            fmt("%☠ is not a valid sequence", vec![n(10.0)]),
            Err("format: unrecognized format character '☠' at offset 1".to_owned())
        );
        assert_eq!(
            fmt("no format verbs at all", vec![n(10.0)]),
            Err("format: too many arguments; no verbs in format string".to_owned())
        );
        assert_eq!(
            fmt("only one verb %d", vec![n(10.0), n(11.0)]),
            Err("format: too many arguments; only 1 used by format string".to_owned())
        );
        assert_eq!(
            fmt("%d", vec![b(true)]),
            Err("format: unsupported value for \"%d\" at 0: number required, but have bool".to_owned())
        );
        assert_eq!(
            fmt("%d", vec![n(1.5)]),
            Err("format: unsupported value for \"%d\" at 0: an integer is required".to_owned())
        );
        assert_eq!(
            fmt("This statement is %t", vec![EvalValue::Null]),
            Err("format: unsupported value for \"%t\" at 18: null value cannot be formatted".to_owned())
        );
        assert_eq!(fmt("abc%", vec![]), Err("format: invalid format string starting at offset 4".to_owned()));
        assert!(fmt("%99999999999999999999d", vec![n(1.0)]).is_err());
    }

    #[test]
    fn format_with_unknown_is_unknown() {
        assert_eq!(fmt("Hello, %s!", vec![U]), Ok(U));
        assert_eq!(fmt("%v", vec![l(vec![s("a"), U])]), Ok(U));
    }

    #[test]
    fn formatlist_documentation_examples() {
        assert_eq!(
            call("formatlist", vec![s("Hello, %s!"), ls(&["Valentina", "Ander", "Olivia", "Sam"])]),
            Ok(ls(&["Hello, Valentina!", "Hello, Ander!", "Hello, Olivia!", "Hello, Sam!"]))
        );
        assert_eq!(
            call("formatlist", vec![s("%s, %s!"), s("Salutations"), ls(&["Valentina", "Ander", "Olivia", "Sam"])]),
            Ok(ls(&["Salutations, Valentina!", "Salutations, Ander!", "Salutations, Olivia!", "Salutations, Sam!"]))
        );
    }

    #[test]
    fn formatlist_parallel_lists_and_errors() {
        assert_eq!(
            call("formatlist", vec![s("%s=%d"), ls(&["a", "b"]), l(vec![n(1.0), n(2.0)])]),
            Ok(ls(&["a=1", "b=2"]))
        );
        assert_eq!(call("formatlist", vec![s("%s"), l(vec![])]), Ok(l(vec![])));
        assert_eq!(call("formatlist", vec![s("x")]), Ok(ls(&["x"])));
        assert_eq!(call("formatlist", vec![s("%v"), EvalValue::Null]), Ok(ls(&["null"])));
        assert_eq!(call("formatlist", vec![s("%s"), l(vec![s("a"), U])]), Ok(l(vec![s("a"), U])));
        assert_eq!(
            call("formatlist", vec![s("%s %s"), ls(&["a", "b"]), ls(&["c"])]),
            Err("formatlist: argument 2 has length 1, which is inconsistent with argument 1 of length 2".to_owned())
        );
        assert_eq!(
            call("formatlist", vec![s("%d"), ls(&["x"])]),
            Err("formatlist: error on format iteration 0: unsupported value for \"%d\" at 0: a number is required"
                .to_owned())
        );
    }

    // --- strings -------------------------------------------------------------------------

    #[test]
    fn join_lists() {
        assert_eq!(call("join", vec![s(", "), ls(&["foo", "bar", "baz"])]), Ok(s("foo, bar, baz")));
        assert_eq!(call("join", vec![s(","), l(vec![])]), Ok(s("")));
        assert_eq!(call("join", vec![s("-"), ls(&["a"]), l(vec![n(1.0), b(true)])]), Ok(s("a-1-true")));
        assert_eq!(call("join", vec![s(","), l(vec![s("a"), U])]), Ok(U));
        assert_eq!(call("join", vec![s(",")]), Err("join: at least one list is required".to_owned()));
        assert_eq!(
            call("join", vec![s(","), l(vec![s("a"), EvalValue::Null])]),
            Err("join: element 1 is null; cannot concatenate null values".to_owned())
        );
    }

    #[test]
    fn split_strings() {
        assert_eq!(call("split", vec![s(","), s("foo,bar,baz")]), Ok(ls(&["foo", "bar", "baz"])));
        assert_eq!(call("split", vec![s(","), s("")]), Ok(ls(&[""])));
        assert_eq!(call("split", vec![s(""), s("añb")]), Ok(ls(&["a", "ñ", "b"])));
        assert_eq!(call("split", vec![s(""), s("")]), Ok(l(vec![])));
    }

    #[test]
    fn replace_strings() {
        assert_eq!(call("replace", vec![s("1 + 2 + 3"), s("+"), s("-")]), Ok(s("1 - 2 - 3")));
        assert_eq!(call("replace", vec![s("abc"), s(""), s("-")]), Ok(s("-a-b-c-")));
        assert_eq!(call("replace", vec![s("a/b"), s("/"), s("_")]), Ok(s("a_b")));
        assert_eq!(call("replace", vec![s("hello world"), s("/w.*d/"), s("everybody")]), Ok(s("hello everybody")));
        assert_eq!(call("replace", vec![s("orders_db-prod"), s("/[^a-z0-9]/"), s("-")]), Ok(s("orders-db-prod")));
        assert_eq!(call("replace", vec![s("eu-west-1a"), s("/^([a-z]+)-(.*)$/"), s("$2:$1")]), Ok(s("west-1a:eu")));
        assert_eq!(
            call("replace", vec![s("x"), s("/(/"), s("y")]),
            Err("replace: invalid regular expression pattern: error: unclosed group".to_owned())
        );
    }

    #[test]
    fn regex_and_regexall_shape_matches_as_terraform_does() {
        let m = |pairs: &[(&str, &str)]| EvalValue::Map(pairs.iter().map(|(k, v)| (k.to_string(), s(v))).collect());
        assert_eq!(call("regex", vec![s("[a-z]+"), s("53454 abc 543")]), Ok(s("abc")));
        assert_eq!(
            call("regex", vec![s("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)"), s("2019-02-01")]),
            Ok(l(vec![s("2019"), s("02"), s("01")]))
        );
        assert_eq!(
            call(
                "regex",
                vec![s("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?"), s("https://terraform.io/docs/")]
            ),
            Ok(m(&[("authority", "terraform.io"), ("scheme", "https")]))
        );
        assert_eq!(
            call("regex", vec![s("[0-9]+"), s("abc")]),
            Err("regex: pattern did not match any part of the given string".to_owned())
        );
        assert_eq!(call("regexall", vec![s("[a-z]+"), s("1234abcd5678efgh9")]), Ok(l(vec![s("abcd"), s("efgh")])));
        assert_eq!(call("length", vec![call("regexall", vec![s("^[a-z]{2}-"), s("eu-west-1a")]).unwrap()]), Ok(n(1.0)));
        assert_eq!(call("regexall", vec![s("[a-z]+"), s("1234")]), Ok(l(vec![])));
    }

    #[test]
    fn case_functions() {
        assert_eq!(call("lower", vec![s("HELLO ÀÉ")]), Ok(s("hello àé")));
        assert_eq!(call("upper", vec![s("hello àé")]), Ok(s("HELLO ÀÉ")));
        assert_eq!(call("upper", vec![s("straße")]), Ok(s("STRAßE")));
        assert_eq!(call("upper", vec![n(1.0)]), Ok(s("1")));
        assert_eq!(call("title", vec![s("hello world")]), Ok(s("Hello World")));
        assert_eq!(call("title", vec![s("foo-bar_baz qux.quux")]), Ok(s("Foo-Bar_baz Qux.Quux")));
        assert_eq!(call("title", vec![s("ǆemal élan")]), Ok(s("ǅemal Élan")));
        assert_eq!(call("lower", vec![s("İ Σ")]), Ok(s("i σ")));
    }

    #[test]
    fn trim_functions() {
        assert_eq!(call("trimspace", vec![s("  hello\n\t")]), Ok(s("hello")));
        assert_eq!(call("trimspace", vec![s("")]), Ok(s("")));
        assert_eq!(call("trim", vec![s("?!hello?!"), s("!?")]), Ok(s("hello")));
        assert_eq!(call("trim", vec![s("foobar"), s("")]), Ok(s("foobar")));
        assert_eq!(call("trimprefix", vec![s("helloworld"), s("hello")]), Ok(s("world")));
        assert_eq!(call("trimprefix", vec![s("helloworld"), s("cat")]), Ok(s("helloworld")));
        assert_eq!(call("trimsuffix", vec![s("helloworld"), s("world")]), Ok(s("hello")));
        assert_eq!(call("trimsuffix", vec![s("helloworld"), s("hello")]), Ok(s("helloworld")));
    }

    #[test]
    fn substr_counts_characters() {
        assert_eq!(call("substr", vec![s("hello world"), n(1.0), n(4.0)]), Ok(s("ello")));
        assert_eq!(call("substr", vec![s("🤔🤷"), n(0.0), n(1.0)]), Ok(s("🤔")));
        assert_eq!(call("substr", vec![s("hello world"), n(-5.0), n(3.0)]), Ok(s("wor")));
        assert_eq!(call("substr", vec![s("hello"), n(1.0), n(-1.0)]), Ok(s("ello")));
        assert_eq!(call("substr", vec![s("hello"), n(10.0), n(2.0)]), Ok(s("")));
        assert_eq!(call("substr", vec![s("hello"), n(-10.0), n(2.0)]), Ok(s("he")));
        assert_eq!(call("substr", vec![s("hello"), n(1.0), n(100.0)]), Ok(s("ello")));
        assert_eq!(call("substr", vec![s("hello"), n(0.0), n(0.0)]), Ok(s("")));
        assert_eq!(
            call("substr", vec![s("hello"), n(0.5), n(1.0)]),
            Err("substr: invalid value for \"offset\" parameter: a whole number is required".to_owned())
        );
    }

    #[test]
    fn string_predicates() {
        assert_eq!(call("startswith", vec![s("hello world"), s("hello")]), Ok(b(true)));
        assert_eq!(call("startswith", vec![s("hello world"), s("world")]), Ok(b(false)));
        assert_eq!(call("endswith", vec![s("hello world"), s("world")]), Ok(b(true)));
        assert_eq!(call("endswith", vec![s("hello world"), s("hello")]), Ok(b(false)));
        assert_eq!(call("strcontains", vec![s("hello world"), s("o w")]), Ok(b(true)));
        assert_eq!(call("strcontains", vec![s("hello world"), s("banana")]), Ok(b(false)));
        assert!(call("strcontains", vec![s("a")]).is_err());
    }

    // --- collections ---------------------------------------------------------------------

    #[test]
    fn length_of_strings_lists_maps() {
        assert_eq!(call("length", vec![s("héllo")]), Ok(n(5.0)));
        assert_eq!(call("length", vec![l(vec![U, n(1.0)])]), Ok(n(2.0)));
        assert_eq!(call("length", vec![m(vec![("a", U)])]), Ok(n(1.0)));
        assert_eq!(call("length", vec![l(vec![])]), Ok(n(0.0)));
        assert_eq!(
            call("length", vec![n(5.0)]),
            Err("length: argument must be a string, a collection type, or a structural type".to_owned())
        );
    }

    #[test]
    fn lookup_keys() {
        let map = m(vec![("a", s("ay")), ("b", s("bee")), ("u", U)]);
        assert_eq!(call("lookup", vec![map.clone(), s("a"), s("what?")]), Ok(s("ay")));
        assert_eq!(call("lookup", vec![map.clone(), s("c"), s("what?")]), Ok(s("what?")));
        assert_eq!(call("lookup", vec![map.clone(), s("u"), s("d")]), Ok(U));
        assert_eq!(call("lookup", vec![map.clone(), s("b")]), Ok(s("bee")));
        assert_eq!(call("lookup", vec![map, s("c")]), Err("lookup: lookup failed to find key \"c\"".to_owned()));
        assert_eq!(
            call("lookup", vec![ls(&["a"]), s("a")]),
            Err("lookup: lookup() requires a map as the first argument".to_owned())
        );
    }

    #[test]
    fn merge_maps() {
        assert_eq!(
            call("merge", vec![m(vec![("a", s("b")), ("c", s("d"))]), m(vec![("e", s("f")), ("c", s("z"))])]),
            Ok(m(vec![("a", s("b")), ("c", s("z")), ("e", s("f"))]))
        );
        assert_eq!(
            call("merge", vec![m(vec![("a", U)]), m(vec![("b", n(1.0))])]),
            Ok(m(vec![("a", U), ("b", n(1.0))]))
        );
        assert_eq!(call("merge", vec![]), Ok(m(vec![])));
        assert_eq!(call("merge", vec![EvalValue::Null, m(vec![("a", n(1.0))])]), Ok(m(vec![("a", n(1.0))])));
        assert_eq!(
            call("merge", vec![m(vec![]), ls(&["a"])]),
            Err("merge: arguments must be maps or objects, got \"list\"".to_owned())
        );
    }

    #[test]
    fn concat_lists() {
        assert_eq!(call("concat", vec![ls(&["a", ""]), ls(&["b", "c"])]), Ok(ls(&["a", "", "b", "c"])));
        assert_eq!(call("concat", vec![l(vec![U]), l(vec![])]), Ok(l(vec![U])));
        assert_eq!(
            call("concat", vec![ls(&["a"]), s("b")]),
            Err("concat: all arguments must be lists or tuples; got string".to_owned())
        );
    }

    #[test]
    fn flatten_lists() {
        assert_eq!(call("flatten", vec![l(vec![ls(&["a", "b"]), l(vec![]), ls(&["c"])])]), Ok(ls(&["a", "b", "c"])));
        assert_eq!(
            call("flatten", vec![l(vec![l(vec![s("a"), l(vec![s("b"), EvalValue::Null])]), s("c")])]),
            Ok(l(vec![s("a"), s("b"), EvalValue::Null, s("c")]))
        );
        assert_eq!(call("flatten", vec![l(vec![l(vec![n(1.0)]), U])]), Ok(U));
        assert_eq!(call("flatten", vec![s("a")]), Err("flatten: can only flatten lists, sets and tuples".to_owned()));
    }

    #[test]
    fn distinct_keeps_first_occurrences() {
        assert_eq!(call("distinct", vec![ls(&["a", "b", "a", "c", "d", "b"])]), Ok(ls(&["a", "b", "c", "d"])));
        assert_eq!(call("distinct", vec![l(vec![n(1.0), s("1"), n(1.0)])]), Ok(ls(&["1"])));
        assert_eq!(call("distinct", vec![l(vec![n(1.0), n(2.0), n(1.0)])]), Ok(l(vec![n(1.0), n(2.0)])));
        assert_eq!(
            call("distinct", vec![l(vec![n(1.0), b(true)])]),
            Err("distinct: invalid value for \"list\" parameter: all list elements must have the same type".to_owned())
        );
        assert_eq!(call("distinct", vec![l(vec![s("a"), U])]), Ok(U));
    }

    #[test]
    fn contains_values() {
        assert_eq!(call("contains", vec![ls(&["a", "b", "c"]), s("a")]), Ok(b(true)));
        assert_eq!(call("contains", vec![ls(&["a", "b", "c"]), s("d")]), Ok(b(false)));
        assert_eq!(call("contains", vec![l(vec![s("a"), U]), s("a")]), Ok(b(true)));
        assert_eq!(call("contains", vec![l(vec![s("a"), U]), s("b")]), Ok(U));
        assert_eq!(call("contains", vec![l(vec![ls(&["x", "y"])]), ls(&["x", "y"])]), Ok(b(true)));
        assert_eq!(
            call("contains", vec![s("abc"), s("a")]),
            Err("contains: argument must be list, tuple, or set".to_owned())
        );
    }

    #[test]
    fn index_finds_first() {
        assert_eq!(call("index", vec![ls(&["a", "b", "c"]), s("b")]), Ok(n(1.0)));
        assert_eq!(call("index", vec![l(vec![U, s("b")]), s("b")]), Ok(U));
        assert_eq!(call("index", vec![ls(&["a"]), s("z")]), Err("index: item not found".to_owned()));
        assert_eq!(call("index", vec![l(vec![]), s("z")]), Err("index: cannot search an empty list".to_owned()));
    }

    #[test]
    fn element_wraps_around() {
        assert_eq!(call("element", vec![ls(&["a", "b", "c"]), n(1.0)]), Ok(s("b")));
        assert_eq!(call("element", vec![ls(&["a", "b", "c"]), n(3.0)]), Ok(s("a")));
        assert_eq!(call("element", vec![ls(&["a", "b", "c"]), n(-1.0)]), Ok(s("c")));
        assert_eq!(call("element", vec![l(vec![s("a"), U]), n(1.0)]), Ok(U));
        assert_eq!(call("element", vec![l(vec![s("a"), U]), n(0.0)]), Ok(s("a")));
        assert_eq!(
            call("element", vec![l(vec![]), n(0.0)]),
            Err("element: cannot use element function with an empty list".to_owned())
        );
    }

    #[test]
    fn keys_and_values() {
        let map = m(vec![("b", U), ("a", n(1.0))]);
        assert_eq!(call("keys", vec![map.clone()]), Ok(ls(&["a", "b"])));
        assert_eq!(call("values", vec![map]), Ok(l(vec![n(1.0), U])));
        assert_eq!(call("keys", vec![m(vec![])]), Ok(l(vec![])));
        assert_eq!(
            call("keys", vec![ls(&["a"])]),
            Err("keys: invalid value for \"inputMap\" parameter: must have map or object type".to_owned())
        );
        assert_eq!(
            call("values", vec![s("a")]),
            Err("values: values() requires a map as the first argument".to_owned())
        );
    }

    #[test]
    fn zipmap_pairs() {
        assert_eq!(call("zipmap", vec![ls(&["a", "b"]), l(vec![n(1.0), U])]), Ok(m(vec![("a", n(1.0)), ("b", U)])));
        assert_eq!(call("zipmap", vec![l(vec![s("a"), U]), ls(&["x", "y"])]), Ok(U));
        assert_eq!(
            call("zipmap", vec![ls(&["a"]), ls(&["x", "y"])]),
            Err("zipmap: number of keys (1) does not match number of values (2)".to_owned())
        );
    }

    #[test]
    fn slice_lists() {
        assert_eq!(call("slice", vec![ls(&["a", "b", "c", "d"]), n(1.0), n(3.0)]), Ok(ls(&["b", "c"])));
        assert_eq!(call("slice", vec![ls(&["a"]), n(1.0), n(1.0)]), Ok(l(vec![])));
        assert_eq!(
            call("slice", vec![ls(&["a"]), n(0.0), n(2.0)]),
            Err("slice: end index must not be greater than the length of the list".to_owned())
        );
        assert_eq!(
            call("slice", vec![ls(&["a", "b"]), n(2.0), n(1.0)]),
            Err("slice: start index must not be greater than end index".to_owned())
        );
    }

    #[test]
    fn reverse_lists() {
        assert_eq!(call("reverse", vec![l(vec![n(1.0), n(2.0), U])]), Ok(l(vec![U, n(2.0), n(1.0)])));
        assert_eq!(call("reverse", vec![l(vec![])]), Ok(l(vec![])));
        assert_eq!(
            call("reverse", vec![s("abc")]),
            Err("reverse: can only reverse list or tuple values, not string".to_owned())
        );
    }

    #[test]
    fn sort_lexically() {
        assert_eq!(call("sort", vec![ls(&["e", "d", "a", "x"])]), Ok(ls(&["a", "d", "e", "x"])));
        assert_eq!(call("sort", vec![l(vec![n(3.0), n(10.0), n(1.0)])]), Ok(ls(&["1", "10", "3"])));
        assert_eq!(call("sort", vec![l(vec![s("b"), U])]), Ok(U));
        assert_eq!(
            call("sort", vec![l(vec![s("b"), EvalValue::Null])]),
            Err("sort: given list element 1 is null; a null string cannot be sorted".to_owned())
        );
    }

    #[test]
    fn range_sequences() {
        assert_eq!(call("range", vec![n(3.0)]), Ok(l(vec![n(0.0), n(1.0), n(2.0)])));
        assert_eq!(call("range", vec![n(1.0), n(4.0)]), Ok(l(vec![n(1.0), n(2.0), n(3.0)])));
        assert_eq!(call("range", vec![n(3.0), n(0.0)]), Ok(l(vec![n(3.0), n(2.0), n(1.0)])));
        assert_eq!(call("range", vec![n(0.0), n(0.35), n(0.1)]), Ok(l(vec![n(0.0), n(0.1), n(0.2), n(0.3)])));
        assert_eq!(call("range", vec![n(1.0), n(3.0), n(0.5)]), Ok(l(vec![n(1.0), n(1.5), n(2.0), n(2.5)])));
        assert_eq!(call("range", vec![n(1.0), n(0.0), n(-0.25)]), Ok(l(vec![n(1.0), n(0.75), n(0.5), n(0.25)])));
        // Terraform includes 2.9999… here by a rounding accident; we do not guess.
        assert_eq!(call("range", vec![n(0.0), n(3.0), n(0.3)]), Ok(U));
        assert_eq!(call("range", vec![n(-3.0)]), Ok(l(vec![n(0.0), n(-1.0), n(-2.0)])));
        assert_eq!(call("range", vec![n(0.0)]), Ok(l(vec![])));
        assert_eq!(call("range", vec![n(1.0), n(2.0), n(0.0)]), Err("range: step must not be zero".to_owned()));
        assert_eq!(
            call("range", vec![n(1.0), n(2.0), n(-1.0)]),
            Err("range: end must be less than start when step is negative".to_owned())
        );
        assert_eq!(
            call("range", vec![n(1e18)]),
            Err("range: more than 1024 values were generated; either decrease the difference between start and end \
                 or use a smaller step"
                .to_owned())
        );
        assert!(call("range", vec![n(1e18), n(1e18 + 1e5), n(1e-300)]).is_err());
    }

    #[test]
    fn compact_drops_empty() {
        assert_eq!(
            call("compact", vec![l(vec![s("a"), s(""), s("b"), EvalValue::Null, s("c")])]),
            Ok(ls(&["a", "b", "c"]))
        );
        assert_eq!(call("compact", vec![l(vec![s("a"), U])]), Ok(U));
        assert!(call("compact", vec![l(vec![ls(&["a"])])]).is_err());
    }

    #[test]
    fn one_element() {
        assert_eq!(call("one", vec![l(vec![])]), Ok(EvalValue::Null));
        assert_eq!(call("one", vec![ls(&["hello"])]), Ok(s("hello")));
        assert_eq!(
            call("one", vec![ls(&["a", "b"])]),
            Err("one: invalid value for \"list\" parameter: must be a list, set, or tuple value with either zero or \
                 one elements"
                .to_owned())
        );
    }

    #[test]
    fn chunklist_splits() {
        assert_eq!(
            call("chunklist", vec![ls(&["a", "b", "c", "d", "e"]), n(2.0)]),
            Ok(l(vec![ls(&["a", "b"]), ls(&["c", "d"]), ls(&["e"])]))
        );
        assert_eq!(call("chunklist", vec![ls(&["a", "b"]), n(0.0)]), Ok(l(vec![ls(&["a", "b"])])));
        assert_eq!(call("chunklist", vec![l(vec![]), n(3.0)]), Ok(l(vec![])));
        assert_eq!(
            call("chunklist", vec![ls(&["a"]), n(-1.0)]),
            Err("chunklist: the size argument must be positive".to_owned())
        );
    }

    #[test]
    fn transpose_maps() {
        assert_eq!(
            call("transpose", vec![m(vec![("a", ls(&["1", "2"])), ("b", ls(&["2", "3"]))])]),
            Ok(m(vec![("1", ls(&["a"])), ("2", ls(&["a", "b"])), ("3", ls(&["b"]))]))
        );
        assert_eq!(call("transpose", vec![m(vec![("a", l(vec![U]))])]), Ok(U));
        assert_eq!(
            call("transpose", vec![m(vec![("a", EvalValue::Null)])]),
            Err("transpose: input must not contain null list".to_owned())
        );
    }

    #[test]
    fn coalesce_values() {
        assert_eq!(call("coalesce", vec![s("a"), s("b")]), Ok(s("a")));
        assert_eq!(call("coalesce", vec![s(""), s("b")]), Ok(s("b")));
        assert_eq!(call("coalesce", vec![EvalValue::Null, n(1.0), n(2.0)]), Ok(n(1.0)));
        assert_eq!(call("coalesce", vec![n(1.0), s("a")]), Ok(s("1")));
        assert_eq!(call("coalesce", vec![l(vec![U])]), Ok(l(vec![U])));
        assert_eq!(
            call("coalesce", vec![EvalValue::Null, s("")]),
            Err("coalesce: no non-null, non-empty-string arguments".to_owned())
        );
        assert_eq!(
            call("coalesce", vec![n(1.0), b(true)]),
            Err("coalesce: all arguments must have the same type".to_owned())
        );
    }

    #[test]
    fn coalescelist_lists() {
        assert_eq!(call("coalescelist", vec![ls(&["a", "b"]), ls(&["c", "d"])]), Ok(ls(&["a", "b"])));
        assert_eq!(call("coalescelist", vec![l(vec![]), EvalValue::Null, ls(&["c", "d"])]), Ok(ls(&["c", "d"])));
        assert_eq!(
            call("coalescelist", vec![l(vec![]), l(vec![])]),
            Err("coalescelist: no non-null arguments".to_owned())
        );
        assert_eq!(
            call("coalescelist", vec![s("a")]),
            Err("coalescelist: coalescelist arguments must be lists or tuples".to_owned())
        );
    }

    // --- conversions ---------------------------------------------------------------------

    #[test]
    fn tostring_tonumber_tobool() {
        assert_eq!(call("tostring", vec![n(1.5)]), Ok(s("1.5")));
        assert_eq!(call("tostring", vec![b(true)]), Ok(s("true")));
        assert_eq!(call("tostring", vec![EvalValue::Null]), Ok(EvalValue::Null));
        assert_eq!(call("tostring", vec![ls(&["a"])]), Err("tostring: cannot convert list to string".to_owned()));
        assert_eq!(call("tonumber", vec![s("1")]), Ok(n(1.0)));
        assert_eq!(call("tonumber", vec![EvalValue::Null]), Ok(EvalValue::Null));
        assert_eq!(
            call("tonumber", vec![s("no")]),
            Err("tonumber: cannot convert string to number; given string must be a decimal representation of a number"
                .to_owned())
        );
        assert!(call("tonumber", vec![s("inf")]).is_err());
        assert!(call("tonumber", vec![s(" 5")]).is_err());
        assert_eq!(call("tobool", vec![s("true")]), Ok(b(true)));
        assert_eq!(call("tobool", vec![EvalValue::Null]), Ok(EvalValue::Null));
        assert_eq!(
            call("tobool", vec![s("yes")]),
            Err("tobool: cannot convert string to bool; only the strings \"true\" or \"false\" are allowed".to_owned())
        );
        assert_eq!(call("tobool", vec![n(1.0)]), Err("tobool: cannot convert number to bool".to_owned()));
    }

    #[test]
    fn tolist_tomap_toset() {
        assert_eq!(call("tolist", vec![l(vec![s("a"), n(1.0), b(true)])]), Ok(ls(&["a", "1", "true"])));
        assert_eq!(call("tolist", vec![l(vec![n(1.0), U])]), Ok(l(vec![n(1.0), U])));
        assert_eq!(
            call("tolist", vec![l(vec![n(1.0), b(true)])]),
            Err("tolist: cannot convert tuple to list of any single type".to_owned())
        );
        assert_eq!(call("tolist", vec![m(vec![])]), Err("tolist: cannot convert map to list".to_owned()));
        assert_eq!(
            call("tomap", vec![m(vec![("a", n(1.0)), ("b", s("x"))])]),
            Ok(m(vec![("a", s("1")), ("b", s("x"))]))
        );
        assert_eq!(call("tomap", vec![ls(&["a"])]), Err("tomap: cannot convert list to map".to_owned()));
        assert_eq!(call("toset", vec![ls(&["c", "b", "b"])]), Ok(ls(&["b", "c"])));
        assert_eq!(call("toset", vec![l(vec![s("a"), s("b"), n(3.0)])]), Ok(ls(&["3", "a", "b"])));
        assert_eq!(call("toset", vec![l(vec![n(10.0), n(2.0), n(2.0)])]), Ok(l(vec![n(2.0), n(10.0)])));
        assert_eq!(call("toset", vec![l(vec![s("a"), U])]), Ok(U));
        assert_eq!(call("toset", vec![EvalValue::Null]), Ok(EvalValue::Null));
    }

    // --- sets ------------------------------------------------------------------------------

    #[test]
    fn set_functions() {
        assert_eq!(call("setunion", vec![ls(&["a", "b"]), ls(&["b", "c"]), ls(&["d"])]), Ok(ls(&["a", "b", "c", "d"])));
        assert_eq!(call("setunion", vec![ls(&["a"]), l(vec![n(1.0)])]), Ok(ls(&["1", "a"])));
        assert_eq!(call("setunion", vec![ls(&["a"]), l(vec![U])]), Ok(U));
        assert_eq!(call("setintersection", vec![ls(&["a", "b"]), ls(&["b", "c"]), ls(&["b", "d"])]), Ok(ls(&["b"])));
        assert_eq!(call("setintersection", vec![ls(&["a"]), l(vec![])]), Ok(l(vec![])));
        assert_eq!(call("setsubtract", vec![ls(&["a", "b", "c"]), ls(&["a", "c"])]), Ok(ls(&["b"])));
        assert_eq!(call("setsubtract", vec![ls(&["a"])]), Err("setsubtract: expects 2 argument(s), got 1".to_owned()));
        assert_eq!(
            call("setunion", vec![l(vec![n(1.0)]), l(vec![b(true)])]),
            Err("setunion: given sets must all have compatible element types".to_owned())
        );
    }

    // --- encodings ---------------------------------------------------------------------

    #[test]
    fn jsonencode_values() {
        assert_eq!(
            call(
                "jsonencode",
                vec![m(vec![("hello", s("world")), ("a", l(vec![n(1.0), n(1.5), b(true), EvalValue::Null]))])]
            ),
            Ok(s("{\"a\":[1,1.5,true,null],\"hello\":\"world\"}"))
        );
        assert_eq!(call("jsonencode", vec![s("<a> & \"b\"\n")]), Ok(s("\"\\u003ca\\u003e \\u0026 \\\"b\\\"\\n\"")));
        assert_eq!(call("jsonencode", vec![n(1e21)]), Ok(s("1000000000000000000000")));
        assert_eq!(call("jsonencode", vec![l(vec![s("a"), U])]), Ok(U));
        assert_eq!(call("jsonencode", vec![EvalValue::Null]), Ok(s("null")));
    }

    #[test]
    fn jsondecode_values() {
        assert_eq!(
            call("jsondecode", vec![s("{\"hello\": \"world\", \"n\": [1, 2.5, null]}")]),
            Ok(m(vec![("hello", s("world")), ("n", l(vec![n(1.0), n(2.5), EvalValue::Null]))]))
        );
        assert_eq!(call("jsondecode", vec![s("true")]), Ok(b(true)));
        assert!(call("jsondecode", vec![s("{nope")]).is_err_and(|e| e.starts_with("jsondecode: ")));
        assert!(call("jsondecode", vec![s("")]).is_err());
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(call("base64encode", vec![s("Hello World")]), Ok(s("SGVsbG8gV29ybGQ=")));
        assert_eq!(call("base64encode", vec![s("")]), Ok(s("")));
        assert_eq!(call("base64encode", vec![s("ab")]), Ok(s("YWI=")));
        assert_eq!(call("base64encode", vec![s("abc")]), Ok(s("YWJj")));
        assert_eq!(call("base64decode", vec![s("SGVsbG8gV29ybGQ=")]), Ok(s("Hello World")));
        assert_eq!(call("base64decode", vec![s("YW\nI=")]), Ok(s("ab")));
        assert_eq!(call("base64decode", vec![s("YWI")]), Err("base64decode: failed to decode base64 data".to_owned()));
        assert_eq!(call("base64decode", vec![s("YW=I")]), Err("base64decode: failed to decode base64 data".to_owned()));
        assert_eq!(
            call("base64decode", vec![s("YQ==YQ==")]),
            Err("base64decode: failed to decode base64 data".to_owned())
        );
        assert_eq!(
            call("base64decode", vec![s("/w==")]),
            Err("base64decode: the result of decoding the provided string is not valid UTF-8".to_owned())
        );
    }

    // --- numbers -----------------------------------------------------------------------

    #[test]
    fn min_max_abs_ceil_floor() {
        assert_eq!(call("min", vec![n(12.0), n(54.0), n(3.0)]), Ok(n(3.0)));
        assert_eq!(call("max", vec![n(12.0), s("54"), n(3.0)]), Ok(n(54.0)));
        assert_eq!(call("min", vec![]), Err("min: must pass at least one number".to_owned()));
        assert_eq!(
            call("max", vec![n(1.0), s("x")]),
            Err("max: invalid value for \"numbers\" parameter: a number is required".to_owned())
        );
        assert_eq!(call("abs", vec![n(-12.4)]), Ok(n(12.4)));
        assert_eq!(call("abs", vec![n(0.0)]), Ok(n(0.0)));
        assert_eq!(call("ceil", vec![n(5.1)]), Ok(n(6.0)));
        assert_eq!(call("ceil", vec![n(-5.1)]), Ok(n(-5.0)));
        assert_eq!(call("floor", vec![n(4.9)]), Ok(n(4.0)));
        assert_eq!(call("floor", vec![n(-4.1)]), Ok(n(-5.0)));
        assert_eq!(
            call("floor", vec![b(true)]),
            Err("floor: invalid value for \"num\" parameter: number required".to_owned())
        );
    }

    #[test]
    fn sum_numbers() {
        assert_eq!(call("sum", vec![l(vec![n(10.0), n(13.0), n(6.0), n(4.5)])]), Ok(n(33.5)));
        assert_eq!(call("sum", vec![l(vec![n(0.1), n(0.2)])]), Ok(n(0.3)));
        assert_eq!(call("sum", vec![l(vec![n(1.0), s("2")])]), Ok(n(3.0)));
        assert_eq!(call("sum", vec![l(vec![n(1.0), U])]), Ok(U));
        assert_eq!(call("sum", vec![l(vec![])]), Err("sum: cannot sum an empty list".to_owned()));
        assert_eq!(
            call("sum", vec![l(vec![n(1.0), s("x")])]),
            Err("sum: argument must be list, set, or tuple of number values".to_owned())
        );
    }

    // --- marks and limits --------------------------------------------------------------

    #[test]
    fn inner_marks_reach_derived_results() {
        assert_eq!(call("join", vec![s(","), l(vec![s("a"), secret(s("b"))])]), Ok(secret(s("a,b"))));
        assert_eq!(call("length", vec![l(vec![secret(s("b"))])]), Ok(n(1.0)));
        assert_eq!(call("keys", vec![m(vec![("k", secret(s("v")))])]), Ok(ls(&["k"])));
        assert_eq!(call("element", vec![l(vec![s("a"), secret(s("b"))]), n(1.0)]), Ok(secret(s("b"))));
        assert_eq!(call("flatten", vec![l(vec![secret(ls(&["a"]))])]), Ok(secret(ls(&["a"]))));
        assert_eq!(call("contains", vec![l(vec![secret(s("a"))]), s("a")]), Ok(secret(b(true))));
        assert_eq!(call("tolist", vec![l(vec![secret(n(1.0)), s("a")])]), Ok(l(vec![secret(s("1")), s("a")])));
        assert_eq!(call("jsonencode", vec![m(vec![("p", secret(s("x")))])]), Ok(secret(s("{\"p\":\"x\"}"))));
    }

    #[test]
    fn large_results_are_refused() {
        let big = s(&"a".repeat(MAX_ELEMENTS + 1));
        assert!(call("split", vec![s(""), big.clone()]).is_err_and(|e| e.contains("limit")));
        assert!(call("replace", vec![big, s(""), s(&"x".repeat(100))]).is_err_and(|e| e.contains("limit")));
        assert!(fmt("%1000000d%1000000d", vec![n(1.0), n(2.0)]).is_ok());
        let many = l(vec![n(1.0); MAX_ELEMENTS / 2 + 1]);
        assert!(call("concat", vec![many.clone(), many]).is_err_and(|e| e.contains("limit")));
    }

    #[test]
    fn no_function_panics_on_odd_arguments() {
        let pool = vec![
            EvalValue::Null,
            b(true),
            n(-1.0),
            n(0.5),
            n(1e300),
            n(f64::NAN),
            s(""),
            s("%[9]-05.3q%"),
            s("/x/"),
            s("10.0.0.0/31"),
            s("::/0"),
            s("💃🏿é"),
            l(vec![]),
            l(vec![U, n(1.0), s("a"), EvalValue::Null]),
            l(vec![secret(ls(&["x"])), m(vec![])]),
            m(vec![("a", l(vec![s("b"), U])), ("c", secret(n(2.0)))]),
        ];
        for name in FUNCTIONS.iter().map(|f| f.name) {
            for a in &pool {
                let _ = call(name, vec![a.clone()]);
                for b in &pool {
                    let _ = call(name, vec![a.clone(), b.clone()]);
                    for c in &pool {
                        let _ = call(name, vec![a.clone(), b.clone(), c.clone()]);
                    }
                }
            }
        }
    }
}

/// The table is sorted (it is searched by halves) and names each function once.
#[test]
fn the_table_is_sorted_by_name() {
    let names: Vec<&str> = super::FUNCTIONS.iter().map(|f| f.name).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(names, sorted);
}
