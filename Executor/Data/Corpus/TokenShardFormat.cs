using System.Buffers.Binary;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Executor.Data.Corpus;

/// <summary>
/// The on-disk layout of one token shard, after llm.c's data shards (a fixed header with a magic number, a version and the
/// token count, then the tokens; Karpathy 2024) and nanoGPT's train.bin (raw little-endian uint16 tokens read through a
/// memory map). A shard is a 32-byte header followed by <see cref="Header.Count"/> little-endian tokens:
/// <code>
/// offset size field
///      0    8 magic        ASCII "SPTOKENS"
///      8    4 version      uint32, 1
///     12    4 token width  uint32, 2 (uint16 tokens) or 4 (uint32 tokens)
///     16    8 count        uint64, tokens in the shard
///     24    4 max token    uint32, the largest token id in the shard (lets a reader check the vocabulary without a scan)
///     28    4 reserved     uint32, 0
///     32    …  tokens      count × width bytes, little-endian
/// </code>
/// </summary>
public static class TokenShardFormat
{
    public const int HeaderBytes = 32;
    public const uint Version = 1;
    /// <summary>Shards in a corpus folder end with this; they are read in ordinal order of their names.</summary>
    public const string Extension = ".tok";
    private static ReadOnlySpan<byte> Magic => "SPTOKENS"u8;

    /// <summary>What the header says about a shard.</summary>
    public readonly record struct Header(int TokenWidth, long Count, int MaxToken);

    /// <summary>The narrowest width that holds every token: uint16 below 65,536, else uint32.</summary>
    public static int WidthFor(int maxToken) => maxToken <= ushort.MaxValue ? 2 : 4;

    public static void Encode(Header header, Span<byte> into)
    {
        into[..HeaderBytes].Clear();
        Magic.CopyTo(into);
        BinaryPrimitives.WriteUInt32LittleEndian(into[8..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(into[12..], (uint)header.TokenWidth);
        BinaryPrimitives.WriteUInt64LittleEndian(into[16..], (ulong)header.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(into[24..], (uint)header.MaxToken);
    }

    /// <summary>Reads and checks a header against the file's length; a bad shard is one line naming the file.</summary>
    public static Header Decode(ReadOnlySpan<byte> bytes, long fileLength, string path)
    {
        if (bytes.Length < HeaderBytes || !bytes[..8].SequenceEqual(Magic))
            throw new SpecException("--data", $"'{path}' is not a token shard (no SPTOKENS header); make shards with `scaleplan tokenize`");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version != Version) throw new SpecException("--data", $"'{path}' has shard version {version}; this build reads version {Version}");
        int width = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        if (width is not (2 or 4)) throw new SpecException("--data", $"'{path}' has token width {width}; allowed: 2 or 4 bytes");
        long count = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]);
        if (count < 0 || HeaderBytes + count * width != fileLength)
            throw new SpecException("--data", $"'{path}' is {fileLength} bytes but its header says {count} tokens of {width} bytes (truncated or corrupt)");
        return new Header(width, count, (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[24..]));
    }
}
