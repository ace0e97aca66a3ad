using System.Buffers.Binary;

namespace ScalePlanner.Executor.Data.Corpus;

/// <summary>Writes tokens as one shard in <see cref="TokenShardFormat"/>, at the narrowest width that holds them.</summary>
public static class TokenShardWriter
{
    public static void Write(string path, ReadOnlySpan<int> tokens)
    {
        int max = 0;
        foreach (int token in tokens)
        {
            if (token < 0) throw new ArgumentOutOfRangeException(nameof(tokens), $"token ids are non-negative, got {token}");
            max = Math.Max(max, token);
        }
        int width = TokenShardFormat.WidthFor(max);
        var bytes = new byte[TokenShardFormat.HeaderBytes + (long)tokens.Length * width];
        TokenShardFormat.Encode(new TokenShardFormat.Header(width, tokens.Length, max), bytes);
        var body = bytes.AsSpan(TokenShardFormat.HeaderBytes);
        for (int i = 0; i < tokens.Length; i++)
        {
            if (width == 2) BinaryPrimitives.WriteUInt16LittleEndian(body[(2 * i)..], (ushort)tokens[i]);
            else BinaryPrimitives.WriteUInt32LittleEndian(body[(4 * i)..], (uint)tokens[i]);
        }
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>The file name of shard <paramref name="index"/>: zero-padded so ordinal order is shard order.</summary>
    public static string ShardName(int index) => $"shard-{index:D5}{TokenShardFormat.Extension}";
}
