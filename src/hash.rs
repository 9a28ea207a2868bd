//! Content hashes: SHA-256 of a file's bytes, or of a stream of named parts (a rule pack's
//! files, the settings a run depends on). Reports name packs and targets files by them, and the
//! cache keys its entries by them.

use std::fmt;

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ContentHash(pub [u8; 32]);

impl ContentHash {
    /// The hash of some bytes.
    pub fn of(bytes: &[u8]) -> ContentHash {
        ContentHash(Sha256::digest(bytes).into())
    }

    /// The full hash in lower-case hexadecimal.
    pub fn hex(&self) -> String {
        let mut out = String::with_capacity(64);
        for b in self.0 {
            use fmt::Write as _;
            let _ = write!(out, "{b:02x}");
        }
        out
    }

    /// Parse 64 hexadecimal digits.
    pub fn parse(hex: &str) -> Option<ContentHash> {
        if hex.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(ContentHash(out))
    }
}

impl fmt::Debug for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

impl fmt::Display for ContentHash {
    /// `sha256:` and the hex digest, as reports print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

impl serde::Serialize for ContentHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A hash of several parts, each framed by its length so that no two different sequences of
/// parts hash alike (`["ab", "c"]` and `["a", "bc"]` differ).
#[derive(Clone, Default)]
pub struct Hasher(Sha256);

impl Hasher {
    pub fn new() -> Hasher {
        Hasher::default()
    }

    /// Add one part.
    pub fn part(&mut self, bytes: impl AsRef<[u8]>) -> &mut Hasher {
        let bytes = bytes.as_ref();
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn finish(self) -> ContentHash {
        ContentHash(self.0.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_as_sha256() {
        assert_eq!(
            ContentHash::of(b"abc").hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let h = ContentHash::of(b"x");
        assert_eq!(ContentHash::parse(&h.hex()), Some(h));
        assert_eq!(ContentHash::parse("zz"), None);
        let mut a = Hasher::new();
        a.part("ab").part("c");
        let mut b = Hasher::new();
        b.part("a").part("bc");
        assert_ne!(a.finish(), b.finish());
    }
}
