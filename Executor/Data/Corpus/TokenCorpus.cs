using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Executor.Data.Corpus;

/// <summary>A folder of token shards (<see cref="TokenShardFormat"/>), opened in ordinal order of their file names.</summary>
public sealed class TokenCorpus : IDisposable
{
    private TokenCorpus(IReadOnlyList<TokenShard> shards, string folder)
    {
        Shards = shards;
        Folder = folder;
        MaxToken = shards.Max(s => s.Header.MaxToken);
        Tokens = shards.Sum(s => s.Count);
    }

    public static TokenCorpus Open(string folder)
    {
        if (!Directory.Exists(folder)) throw new SpecException("--data", $"'{folder}' is not a folder; give the folder `scaleplan tokenize --out` wrote");
        var paths = Directory.GetFiles(folder, "*" + TokenShardFormat.Extension).Order(StringComparer.Ordinal).ToArray();
        if (paths.Length == 0) throw new SpecException("--data", $"'{folder}' holds no *{TokenShardFormat.Extension} shards; make them with `scaleplan tokenize`");
        var shards = new List<TokenShard>();
        try
        {
            foreach (string path in paths) shards.Add(new TokenShard(path));
        }
        catch
        {
            foreach (var shard in shards) shard.Dispose();
            throw;
        }
        return new TokenCorpus(shards, folder);
    }

    public IReadOnlyList<TokenShard> Shards { get; }
    public string Folder { get; }
    public int MaxToken { get; }
    public long Tokens { get; }

    /// <summary>The model's vocabulary must hold every token id of the corpus (an embedding lookup past it fails mid-run).</summary>
    public void RequireVocab(int vocab)
    {
        if (MaxToken >= vocab)
            throw new SpecException("model.vocab", $"{vocab} does not cover the largest token id {MaxToken} in '{Folder}'; allowed: a vocabulary of at least {MaxToken + 1}");
    }

    public void Dispose()
    {
        foreach (var shard in Shards) shard.Dispose();
    }
}
