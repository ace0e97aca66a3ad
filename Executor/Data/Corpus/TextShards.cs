using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Executor.Data.Corpus;

/// <summary>
/// A text file as token shards under the byte-level tokenizer (<see cref="ByteTokenizer"/>): shard s holds bytes
/// [s·n, (s + 1)·n) of the file as tokens, n = tokens per shard. Each shard is handed out as a writer of its file, so the
/// caller can write the set all or nothing.
/// </summary>
public sealed record TextShards(long Tokens, IReadOnlyDictionary<string, Action<string>> Files)
{
    public static TextShards Of(string path, int tokensPerShard)
    {
        if (tokensPerShard < 2) throw new SpecException("--shard-tokens", $"{tokensPerShard}; allowed: 2 or more tokens per shard");
        if (!File.Exists(path)) throw new SpecException("input", $"'{path}' does not exist");
        long length = new FileInfo(path).Length;
        if (length == 0) throw new SpecException("input", $"'{path}' is empty; allowed: a file of at least one byte");
        int shards = (int)((length + tokensPerShard - 1) / tokensPerShard);
        return new TextShards(length, Enumerable.Range(0, shards).ToDictionary(TokenShardWriter.ShardName,
            s => (Action<string>)(into => WriteShard(path, s * (long)tokensPerShard, (int)Math.Min(tokensPerShard, length - s * (long)tokensPerShard), into))));
    }

    private static void WriteShard(string input, long offset, int count, string into)
    {
        var bytes = new byte[count];
        using (var stream = File.OpenRead(input))
        {
            stream.Position = offset;
            stream.ReadExactly(bytes);
        }
        TokenShardWriter.Write(into, ByteTokenizer.Encode(bytes));
    }
}
