//! Numbers as the output files write them: the shortest digits that read back exactly, laid
//! out as Rust's `{}` lays out an `f64` (never an exponent, no trailing `.0`). Whole numbers
//! (most counts, and every zero) take a fast path of their own; the others take their
//! shortest digits from `zmij` (the same digits as `core::fmt`'s: the shortest that read back
//! exactly, the nearest of them to the value), written as `zmij` writes them where that is
//! already `{}`'s layout (a fraction of 10⁻⁵ or more: `ddd.ddd` or `0.000ddd`) and laid out
//! here otherwise. `replications.csv` has about fifty numbers per replication and policy, and
//! `core::fmt` spends some 1,000 instructions on a fraction, `ryu` about 330 and `zmij` about
//! 110 (both counted with callgrind on the fractions of `replications.csv`; an earlier
//! estimate put `ryu` at 150).

use std::fmt::Write as _;

/// Appends finite `x` to `out` exactly as `write!(out, "{x}")` would.
pub(crate) fn push_shortest(out: &mut String, x: f64) {
    debug_assert!(x.is_finite());
    if let Some(n) = whole(x) {
        if x.is_sign_negative() {
            out.push('-');
        }
        push_integer(out, n);
    } else if may_tie(x) {
        write!(out, "{x}").expect("writing to a String");
    } else {
        push_digits(out, x);
    }
}

/// `|x|` as an integer if `x` is a whole number below 2⁵³, where a whole number's shortest
/// round-trip digits are its integer's digits.
#[inline]
fn whole(x: f64) -> Option<u64> {
    let magnitude = x.abs();
    let n = magnitude as u64; // truncates; saturates above u64::MAX
    (magnitude < 9_007_199_254_740_992.0 && n as f64 == magnitude).then_some(n)
}

/// Whether two shortest candidates may lie at the same distance from `x` (a whole number of
/// 2⁵³ or more, or a fraction whose exact decimal value has at most 18 significant digits:
/// its last, a 5, halfway between two candidates one digit shorter). `core::fmt` then picks
/// the one above, which a digit generator need not (`ryu` picks the even one), so such
/// numbers are left to `core::fmt`.
fn may_tie(x: f64) -> bool {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mut mantissa, mut exponent) =
        if biased == 0 { (fraction, -1074) } else { (fraction | (1 << 52), biased - 1075) };
    let zeros = mantissa.trailing_zeros().min(52);
    mantissa >>= zeros;
    exponent += zeros as i32;
    // x = mantissa · 2^exponent, mantissa odd; for exponent < 0 its exact decimal digits are
    // mantissa · 5^-exponent (odd, so no trailing zeros), below 10¹⁸ only if 5^-exponent is.
    exponent >= 0
        || (-exponent <= 25 && u128::from(mantissa) * 5u128.pow((-exponent) as u32) < 10u128.pow(18))
}

/// Appends finite `x` (not a whole number below 2⁵³) from its shortest digits: `zmij` writes
/// them as `ddd.ddd` or `0.000ddd` from 10⁻⁵ up to 10¹⁶ (no such number reaches 10¹⁶: 2⁵³ is
/// below it), which is `{}`'s layout of such a number (it has digits after the point), and
/// below 10⁻⁵ as `d.ddde-k`, laid out here without the exponent, as `{}` lays it out.
fn push_digits(out: &mut String, x: f64) {
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format_finite(x);
    if x.abs() >= 1e-5 {
        out.push_str(text);
        return;
    }
    let text = text.trim_start_matches('-');
    let (mantissa, exponent) = text.split_once('e').expect("zmij writes an exponent below 10⁻⁵");
    let exponent = exponent.parse::<i32>().expect("zmij writes a whole exponent");
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // The significant digits, and where the decimal point falls among them.
    let mut all = [0u8; 40];
    let n = int.len() + frac.len();
    all[..int.len()].copy_from_slice(int.as_bytes());
    all[int.len()..n].copy_from_slice(frac.as_bytes());
    let lead = all[..n].iter().take_while(|&&d| d == b'0').count();
    let end = n - all[lead..n].iter().rev().take_while(|&&d| d == b'0').count();
    let digits = std::str::from_utf8(&all[lead..end.max(lead)]).expect("ASCII digits");
    let point = int.len() as i32 + exponent - lead as i32;
    if x.is_sign_negative() {
        out.push('-');
    }
    if digits.is_empty() {
        out.push('0');
    } else if point <= 0 {
        out.push_str("0.");
        (0..-point).for_each(|_| out.push('0'));
        out.push_str(digits);
    } else if point as usize >= digits.len() {
        out.push_str(digits);
        (digits.len()..point as usize).for_each(|_| out.push('0'));
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
}

/// Appends the decimal digits of `n`.
fn push_integer(out: &mut String, mut n: u64) {
    if n < 10 {
        // Most counts of a replication row are single digits (zero above all).
        out.push(char::from(b'0' + n as u8));
        return;
    }
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
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
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
            // Around zmij's switches between decimal and exponent notation.
            (1e-5, "0.00001"),
            (1.25e-6, "0.00000125"),
            (0.000123, "0.000123"),
            (1.5e15, "1500000000000000"),
            (123456789012345.6, "123456789012345.6"),
            (9.5e15, "9500000000000000"),
            (1.2345678901234567e17, "123456789012345660"),
            (-1e300, &format!("-1{}", "0".repeat(300))),
            // Halfway between two shortest candidates: the one above, as `{}` writes it.
            (-(215010251272604.0 + 0.625), "-215010251272604.63"),
            (0.5, "0.5"),
            (2.5, "2.5"),
            (1.125, "1.125"),
        ];
        for (x, text) in cases {
            assert_eq!(shortest(x), text, "{x:e}");
            assert_eq!(shortest(x), format!("{x}"), "{x:e}");
        }
        // Either side of 10⁻⁵, where zmij switches to an exponent and the layout here takes over.
        for bits in [1e-5f64.to_bits() - 1, 1e-5f64.to_bits(), 1e-5f64.to_bits() + 1] {
            let x = f64::from_bits(bits);
            assert_eq!(shortest(x), format!("{x}"), "{x:e}");
            assert_eq!(shortest(-x), format!("{}", -x), "{x:e}");
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
        fn digits_at_any_decimal_exponent_format_as_display(m in 1u64..100_000_000_000_000_000, k in -330i32..290) {
            let x = format!("{m}e{k}").parse::<f64>().unwrap();
            prop_assume!(x.is_finite());
            prop_assert_eq!(shortest(x), format!("{x}"));
            prop_assert_eq!(shortest(-x), format!("{}", -x));
        }

        #[test]
        fn short_binary_fractions_of_large_numbers_format_as_display(a in 0u64..1 << 52, j in 1u32..30) {
            // a / 2^j: few fractional bits, so the exact decimal value is short and may lie
            // halfway between two shortest candidates.
            let x = a as f64 / (1u64 << j) as f64 * 2f64.powi(j as i32 / 3);
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
