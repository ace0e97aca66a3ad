using ScalePlanner.Executor.Data;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Executor.Data;

public class TokenMaskingTests
{
    private const int Rows = 16, T = 256;

    private static BatchAssembler Assembler(double probability) =>
        new(new MarkovRows(new MarkovSource(64, 4, seed: 1), T, seed: 2), new TokenMasking(probability, seed: 3));

    private static HostBatch Batch(double probability) => Assembler(probability).Build(0, Rows);

    [Fact]
    public void Should_Mask_About_The_Asked_Share_Of_Inputs_And_Leave_Targets_Whole()
    {
        var plain = Batch(0);
        var masked = Batch(0.3);
        int changed = plain.Inputs.Zip(masked.Inputs).Count(pair => pair.First != pair.Second);
        int maskable = plain.Inputs.Count(token => token != TokenMasking.MaskToken);   // a mask over a token already 0 changes nothing
        // 4,096 draws with p = 0.3 have a standard deviation of 0.0072 in the share; 0.04 is over five of them.
        Assert.InRange((double)changed / maskable, 0.26, 0.34);
        Assert.All(plain.Inputs.Zip(masked.Inputs).Where(pair => pair.First != pair.Second), pair => Assert.Equal(TokenMasking.MaskToken, pair.Second));
        Assert.Equal(plain.Targets, masked.Targets);
    }

    [Fact]
    public void Should_Mask_A_Sample_The_Same_Way_In_Whatever_Batch_It_Falls()
    {
        var part = Assembler(0.3).Build(5, 3);
        Assert.Equal(Batch(0.3).Inputs[(5 * T)..(8 * T)], part.Inputs);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Should_Refuse_A_Probability_Outside_Zero_To_One(double probability)
    {
        var error = Assert.Throws<SpecException>(() => new TokenMasking(probability, 1));
        Assert.Equal("--mask-prob", error.Field);
    }
}
