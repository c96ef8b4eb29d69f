//! LEB128 unsigned integers, the postings' encoding.

pub fn push(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// How many bytes [`push`] writes for `value`.
pub fn len(value: u32) -> usize {
    (32 - (value | 1).leading_zeros() as usize).div_ceil(7)
}

/// Reads one number at `*at`, advancing it; `None` past the end or on an overlong number.
pub fn read(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let mut value: u32 = 0;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(*at)?;
        *at += 1;
        if shift > 28 {
            return None;
        }
        value |= u32::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
        shift += 7;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let values = [0, 1, 127, 128, 300, 16_383, 16_384, u32::MAX];
        let mut bytes = Vec::new();
        for value in values {
            let before = bytes.len();
            super::push(&mut bytes, value);
            assert_eq!(bytes.len() - before, super::len(value), "{value}");
        }
        let mut at = 0;
        for value in values {
            assert_eq!(super::read(&bytes, &mut at), Some(value));
        }
        assert_eq!(super::read(&bytes, &mut at), None);
        assert_eq!(super::read(&[0x80, 0x80], &mut 0), None);
    }
}
