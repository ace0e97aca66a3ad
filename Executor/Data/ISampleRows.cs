namespace ScalePlanner.Executor.Data;

/// <summary>
/// A stream of training rows addressed by sample index: row i is a pure function of i (and the source's seed), so any worker
/// can build any row, in any order, and a stream resumed at a position continues exactly. Implementations are thread-safe.
/// </summary>
public interface ISampleRows
{
    /// <summary>Tokens per row: the sequence length T plus one (inputs are the first T, targets the last T).</summary>
    int RowLength { get; }

    /// <summary>Writes row <paramref name="sample"/> into <paramref name="row"/> (length <see cref="RowLength"/>).</summary>
    void Fill(long sample, Span<long> row);
}
