using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Executor.Data.Corpus;

/// <summary>
/// Rows of T + 1 tokens from a tokenised corpus. Shard s is cut into ⌊(n_s − 1)/T⌋ windows starting every T tokens, so
/// consecutive windows share one token and every token is a target once (nanoGPT's train.bin windows). Sample i reads the
/// window <see cref="EpochShuffle"/> gives it. With random crop, each window of each epoch is shifted by a seeded offset in
/// [0, T) that keeps it inside its shard: the model sees other cut points every epoch, and a sample still maps to one row.
/// </summary>
public sealed class CorpusRows(TokenCorpus corpus, int sequence, int seed, bool crop) : ISampleRows
{
    /// <summary>Salt so crop offsets differ from the shuffle's draws with the same seed.</summary>
    private const int CropSalt = 0x63726F70; // "crop"
    private readonly long[] firstWindow = WindowStarts(corpus, sequence);   // firstWindow[s]: shard s's first window; last entry: the window count
    private readonly EpochShuffle shuffle = new(WindowStarts(corpus, sequence)[^1], seed);

    private static long[] WindowStarts(TokenCorpus corpus, int sequence)
    {
        var starts = new long[corpus.Shards.Count + 1];
        for (int s = 0; s < corpus.Shards.Count; s++) starts[s + 1] = starts[s] + Math.Max(0, (corpus.Shards[s].Count - 1) / sequence);
        if (starts[^1] == 0)
            throw new SpecException("--data", $"no shard in '{corpus.Folder}' holds one window of {sequence + 1} tokens (model.sequenceLength + 1); allowed: shards of at least {sequence + 1} tokens");
        return starts;
    }

    public int RowLength => sequence + 1;

    /// <summary>Windows per epoch.</summary>
    public long Windows => firstWindow[^1];

    public void Fill(long sample, Span<long> row)
    {
        var (window, epoch) = shuffle.Locate(sample);
        int s = Array.BinarySearch(firstWindow, window);
        s = s >= 0 ? LastShardStartingAt(s) : ~s - 1;
        var shard = corpus.Shards[s];
        long start = (window - firstWindow[s]) * sequence;
        if (crop)
        {
            long room = Math.Min(sequence - 1, shard.Count - RowLength - start);
            start += new Random(SplitMix.Seed(seed ^ CropSalt, epoch * Windows + window)).NextInt64(room + 1);
        }
        shard.Read(start, row[..RowLength]);
    }

    // Shards too short for a window share their successor's first index; the window belongs to the last of them.
    private int LastShardStartingAt(int s)
    {
        while (s + 1 < firstWindow.Length - 1 && firstWindow[s + 1] == firstWindow[s]) s++;
        return s;
    }
}
