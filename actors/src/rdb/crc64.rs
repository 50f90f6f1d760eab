//! Redis's CRC-64: the Jones polynomial, reflected input and output, initial value 0, no final
//! xor. RDB files end with this checksum over every byte before it, little-endian.

/// The Jones polynomial in its reflected (LSB-first) form.
const POLY: u64 = 0x95ac_9329_ac4b_c9b5;

const TABLE: [u64; 256] = build_table();

const fn build_table() -> [u64; 256] {
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u64;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLY
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
}

/// `SLICES[k][b]`: the CRC of byte `b` followed by `k` zero bytes, for eight bytes a step
/// (the slicing-by-8 method Redis's `crcspeed` also uses).
const SLICES: [[u64; 256]; 8] = build_slices();

const fn build_slices() -> [[u64; 256]; 8] {
    let mut t = [[0u64; 256]; 8];
    t[0] = TABLE;
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev >> 8) ^ TABLE[(prev & 0xff) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

/// Continues the checksum `crc` over `data`; start from 0, as Redis's `crc64(0, ...)` does.
pub fn crc64(mut crc: u64, data: &[u8]) -> u64 {
    let mut words = data.chunks_exact(8);
    for w in &mut words {
        let v = crc ^ u64::from_le_bytes(w.try_into().expect("eight bytes"));
        crc = SLICES[7][(v & 0xff) as usize]
            ^ SLICES[6][((v >> 8) & 0xff) as usize]
            ^ SLICES[5][((v >> 16) & 0xff) as usize]
            ^ SLICES[4][((v >> 24) & 0xff) as usize]
            ^ SLICES[3][((v >> 32) & 0xff) as usize]
            ^ SLICES[2][((v >> 40) & 0xff) as usize]
            ^ SLICES[1][((v >> 48) & 0xff) as usize]
            ^ SLICES[0][(v >> 56) as usize];
    }
    for &b in words.remainder() {
        crc = TABLE[((crc ^ b as u64) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_at_a_time_equals_one_at_a_time() {
        let data: Vec<u8> = (0..1000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let bytewise = |mut crc: u64, d: &[u8]| {
            for &b in d {
                crc = TABLE[((crc ^ b as u64) & 0xff) as usize] ^ (crc >> 8);
            }
            crc
        };
        for cut in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let (a, b) = data.split_at(cut);
            assert_eq!(crc64(crc64(0, a), b), bytewise(0, &data), "{cut}");
        }
    }

    #[test]
    fn known_vectors() {
        let table: &[(&[u8], u64)] = &[
            (b"", 0),
            (b"123456789", 0xe9c6_d914_c4b8_d9ca),
            // Redis's own self-test (crc64.c), which includes the C string's NUL.
            (
                b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed \
                  do eiusmod tempor incididunt ut labore et dolore magna \
                  aliqua. Ut enim ad minim veniam, quis nostrud exercitation \
                  ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis \
                  aute irure dolor in reprehenderit in voluptate velit esse \
                  cillum dolore eu fugiat nulla pariatur. Excepteur sint \
                  occaecat cupidatat non proident, sunt in culpa qui officia \
                  deserunt mollit anim id est laborum.\0",
                0xc779_4709_e696_83b3,
            ),
        ];
        for (data, want) in table {
            assert_eq!(crc64(0, data), *want, "{:?}", String::from_utf8_lossy(data));
        }
    }

    #[test]
    fn incremental_equals_whole() {
        let data = b"REDIS0010 some bytes to checksum in pieces";
        for cut in 0..data.len() {
            assert_eq!(crc64(crc64(0, &data[..cut]), &data[cut..]), crc64(0, data));
        }
    }
}
