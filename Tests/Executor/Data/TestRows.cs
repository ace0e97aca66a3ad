using ScalePlanner.Executor.Data;

namespace ScalePlanner.Tests.Executor.Data;

/// <summary>Row sources that misbehave on purpose, around the Markov rows.</summary>
public static class TestRows
{
    public static MarkovRows Markov(int sequence = 16) => new(new MarkovSource(32, 3, seed: 1), sequence, seed: 2);

    /// <summary>Takes <paramref name="delay"/> per row, as a slow disk or tokenizer would.</summary>
    public sealed class Slow(ISampleRows inner, TimeSpan delay) : ISampleRows
    {
        public int RowLength => inner.RowLength;

        public void Fill(long sample, Span<long> row)
        {
            Thread.Sleep(delay);
            inner.Fill(sample, row);
        }
    }

    /// <summary>Fails on one sample, as a corrupt page would.</summary>
    public sealed class FailingAt(ISampleRows inner, long badSample) : ISampleRows
    {
        public int RowLength => inner.RowLength;

        public void Fill(long sample, Span<long> row)
        {
            if (sample == badSample) throw new InvalidDataException($"sample {sample} is unreadable");
            inner.Fill(sample, row);
        }
    }
}
