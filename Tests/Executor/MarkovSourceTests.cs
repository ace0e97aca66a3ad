using ScalePlanner.Executor.Data;

namespace ScalePlanner.Tests.Executor;

public class MarkovSourceTests
{
    [Fact]
    public void Should_Have_Zero_Entropy_When_Every_Token_Has_One_Successor() =>
        Assert.Equal(0, new MarkovSource(50, 1, seed: 3).EntropyRate, 12);

    [Fact]
    public void Should_Match_The_Empirical_Conditional_Entropy_Of_A_Long_Sample()
    {
        var source = new MarkovSource(64, 4, seed: 7);
        Assert.InRange(source.EntropyRate, 0.1, Math.Log(4));
        var tokens = source.Sample(400_000, new Random(11));
        var counts = new Dictionary<(int, int), int>();
        var from = new int[source.Vocab];
        for (int t = 1; t < tokens.Length; t++)
        {
            counts[(tokens[t - 1], tokens[t])] = counts.GetValueOrDefault((tokens[t - 1], tokens[t])) + 1;
            from[tokens[t - 1]]++;
        }
        double n = tokens.Length - 1, empirical = -counts.Sum(c => c.Value / n * Math.Log((double)c.Value / from[c.Key.Item1]));
        Assert.Equal(source.EntropyRate, empirical, source.EntropyRate * 0.02);
    }
}
