//! Numbers as the output files write them: the shortest digits that read back exactly, laid
//! out as Rust's `{}` lays out an `f64` (never an exponent, no trailing `.0`). Whole numbers
//! (most counts, and every zero) take a fast path of their own: `replications.csv` has about
//! fifty numbers per replication and policy, and `core::fmt` spends some 400 instructions on
//! each.

use std::fmt::Write as _;

/// Appends finite `x` to `out` exactly as `write!(out, "{x}")` would.
pub(crate) fn push_shortest(out: &mut String, x: f64) {
    debug_assert!(x.is_finite());
    // Below 2⁵³ a whole number's shortest round-trip digits are its integer's digits.
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        if x.is_sign_negative() {
            out.push('-');
        }
        push_integer(out, x.abs() as u64);
    } else {
        write!(out, "{x}").expect("writing to a String");
    }
}

/// Appends the decimal digits of `n`.
fn push_integer(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[start..]).expect("ASCII digits"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn shortest(x: f64) -> String {
        let mut s = String::new();
        push_shortest(&mut s, x);
        s
    }

    #[test]
    fn numbers_are_laid_out_as_display_lays_them_out() {
        let cases = [
            (0.0, "0"),
            (-0.0, "-0"),
            (7212.0, "7212"),
            (-3.0, "-3"),
            (0.9571547420965059, "0.9571547420965059"),
            (1e-7, "0.0000001"),
            (-1.5e-7, "-0.00000015"),
            (1e16, "10000000000000000"),
            (-2240136835438561.0, "-2240136835438561"),
            (9007199254740993.0, "9007199254740992"),
            (1.2345e21, "1234500000000000000000"),
            (123.456, "123.456"),
            (0.001, "0.001"),
        ];
        for (x, text) in cases {
            assert_eq!(shortest(x), text, "{x:e}");
            assert_eq!(shortest(x), format!("{x}"), "{x:e}");
        }
        assert_eq!(shortest(f64::MAX), format!("{}", f64::MAX));
        assert_eq!(shortest(f64::MIN_POSITIVE), format!("{}", f64::MIN_POSITIVE));
        assert_eq!(shortest(5e-324), format!("{}", 5e-324));
    }

    proptest! {
        #[test]
        fn any_finite_bits_format_as_display(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assume!(x.is_finite());
            prop_assert_eq!(shortest(x), format!("{x}"));
        }

        #[test]
        fn ratios_and_integers_format_as_display(a in -1_000_000i64..1_000_000, b in 1i64..10_000) {
            let x = a as f64 / b as f64;
            prop_assert_eq!(shortest(x), format!("{x}"));
            prop_assert_eq!(shortest(a as f64), format!("{}", a as f64));
        }
    }
}
