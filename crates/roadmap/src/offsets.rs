//! Byte offsets into a file as it is on disk, for text that was decoded
//! lossily: every invalid UTF-8 sequence became one U+FFFD (three bytes), so
//! offsets into the decoded text drift from the file's after each one.

/// Maps offsets into `String::from_utf8_lossy(bytes)` back to `bytes`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiskOffsets {
    /// For each replaced sequence: where it starts in the decoded text, in
    /// the file, and how many bytes of the file it replaced.
    replaced: Vec<(usize, usize, usize)>,
}

impl DiskOffsets {
    /// The offsets of `bytes` decoded with `String::from_utf8_lossy`.
    #[must_use]
    pub fn of(bytes: &[u8]) -> DiskOffsets {
        let (mut decoded, mut disk) = (0, 0);
        let mut replaced = Vec::new();
        for chunk in bytes.utf8_chunks() {
            decoded += chunk.valid().len();
            disk += chunk.valid().len();
            let invalid = chunk.invalid().len();
            if invalid > 0 {
                replaced.push((decoded, disk, invalid));
                decoded += char::REPLACEMENT_CHARACTER.len_utf8();
                disk += invalid;
            }
        }
        DiskOffsets { replaced }
    }

    /// The file offset of `offset` in the decoded text (an offset inside a
    /// replacement character maps to the start of the sequence it replaced).
    #[must_use]
    pub fn to_disk(&self, offset: usize) -> usize {
        let before = self.replaced.partition_point(|&(at, _, _)| at < offset);
        let Some(&(at, disk, len)) = before.checked_sub(1).and_then(|i| self.replaced.get(i))
        else {
            return offset;
        };
        let after = at + char::REPLACEMENT_CHARACTER.len_utf8();
        if offset < after {
            disk
        } else {
            disk + len + (offset - after)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_after_invalid_bytes_point_into_the_file() {
        let bytes = b"ab\xE9cd\xFF\xFEef";
        let text = String::from_utf8_lossy(bytes);
        let offsets = DiskOffsets::of(bytes);
        for (needle, disk) in [("a", 0), ("c", 3), ("e", 7), ("f", 8)] {
            let decoded = text.find(needle).unwrap();
            assert_eq!(offsets.to_disk(decoded), disk, "{needle}");
            assert_eq!(bytes[disk], needle.as_bytes()[0]);
        }
        assert_eq!(offsets.to_disk(text.len()), bytes.len());
        assert_eq!(DiskOffsets::of(b"plain").to_disk(3), 3);
    }
}
