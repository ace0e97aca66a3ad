using ScalePlanner.Executor.Data.Corpus;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Executor.Data;

public class CorpusRowsTests
{
    private const int T = 10;
    // Shard 1 is too short for a window (5 < T + 1 tokens): windows 0–98 lie in shard 0, 99–101 in shard 2, 102–150 in shard 3.
    private static readonly int[] Lengths = [1000, 5, 37, 500];
    private static readonly int[] ShardStarts = [0, 1000, 1005, 1042, 1542];

    private static long[] Row(CorpusRows rows, long sample)
    {
        var row = new long[rows.RowLength];
        rows.Fill(sample, row);
        return row;
    }

    private static int ShardOf(long token) => Array.FindLastIndex(ShardStarts, s => s <= token);

    [Fact]
    public void Should_Read_Every_Window_Once_Per_Epoch_In_A_New_Order_Each_Epoch()
    {
        using var corpus = TokenCorpus.Open(TempCorpus.Counting(Lengths));
        var rows = new CorpusRows(corpus, T, seed: 7, crop: false);
        Assert.Equal(99 + 3 + 49, rows.Windows);
        var expected = new[] { 0, 2, 3 }.SelectMany(s => Enumerable.Range(0, (Lengths[s] - 1) / T).Select(j => (long)ShardStarts[s] + j * T)).Order();
        var epoch0 = Enumerable.Range(0, (int)rows.Windows).Select(i => Row(rows, i)[0]).ToArray();
        var epoch1 = Enumerable.Range((int)rows.Windows, (int)rows.Windows).Select(i => Row(rows, i)[0]).ToArray();
        Assert.Equal(expected, epoch0.Order());
        Assert.Equal(expected, epoch1.Order());
        Assert.NotEqual(epoch0, epoch1);
    }

    [Fact]
    public void Should_Crop_Windows_At_Other_Offsets_Without_Leaving_Their_Shard()
    {
        using var corpus = TokenCorpus.Open(TempCorpus.Counting(Lengths));
        var rows = new CorpusRows(corpus, T, seed: 7, crop: true);
        int shifted = 0;
        for (long sample = 0; sample < 2 * rows.Windows; sample++)
        {
            var row = Row(rows, sample);
            for (int t = 1; t < row.Length; t++) Assert.Equal(row[t - 1] + 1, row[t]);  // contiguous tokens of one window
            Assert.Equal(ShardOf(row[0]), ShardOf(row[^1]));
            if ((row[0] - ShardStarts[ShardOf(row[0])]) % T != 0) shifted++;
        }
        Assert.True(shifted > rows.Windows, $"random crop should move most windows off the T grid; moved {shifted} of {2 * rows.Windows}");
    }

    [Fact]
    public void Should_Give_The_Same_Row_For_A_Sample_Every_Time()
    {
        using var corpus = TokenCorpus.Open(TempCorpus.Counting(Lengths));
        var rows = new CorpusRows(corpus, T, seed: 7, crop: true);
        var again = new CorpusRows(corpus, T, seed: 7, crop: true);
        Assert.Equal(Row(rows, 400), Row(again, 400));
        Assert.NotEqual(Row(rows, 400), Row(new CorpusRows(corpus, T, seed: 8, crop: true), 400));
    }

    [Fact]
    public void Should_Refuse_A_Corpus_Too_Short_For_One_Window()
    {
        using var corpus = TokenCorpus.Open(TempCorpus.Counting(T, 5));
        var error = Assert.Throws<SpecException>(() => new CorpusRows(corpus, T, seed: 1, crop: false));
        Assert.Equal("--data", error.Field);
        Assert.Contains($"{T + 1} tokens", error.Message);
    }
}
