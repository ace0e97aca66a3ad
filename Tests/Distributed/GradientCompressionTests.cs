using ScalePlanner.Mpi;

namespace ScalePlanner.Tests.Distributed;

/// <summary>Gradient compression across two data-parallel ranks: its effect on the loss is visible, and sized as expected.</summary>
public class GradientCompressionTests
{
    private const string Plain = "dp=2,mb=2,precision=fp32,overlap=off";

    private static readonly Lazy<double[]> Uncompressed = new(() => DistributedRuns.Execute(Plain, DistributedRuns.Steps).Losses);

    private static double LastFiveMean(double[] losses) => losses[^5..].Average();

    [Fact]
    public void Should_Move_The_Loss_Only_Slightly_When_Gradients_Travel_In_Bfloat16()
    {
        double[] bf16 = DistributedRuns.Execute(Plain + ",compress=bf16", DistributedRuns.Steps).Losses, fp32 = Uncompressed.Value;
        double largest = fp32.Zip(bf16, (a, b) => Math.Abs(a - b) / a).Max();
        // bfloat16 keeps 8 significant bits (relative rounding ≤ 2⁻⁹ ≈ 2e-3 per element); Adam's normalised steps turn that into
        // loss changes far below 1e-3 over 20 steps (measured: a few 1e-6). A zero difference would mean nothing was rounded.
        Assert.True(largest > 0 && largest < 1e-3, $"bf16 moved the loss by {largest:E2} at most");
    }

    [Fact]
    public void Should_Learn_More_Slowly_With_PowerSGD_The_Lower_Its_Rank()
    {
        double[] rank1 = DistributedRuns.Execute(Plain + ",compress=powersgd:1", DistributedRuns.Steps).Losses;
        double[] rank4 = DistributedRuns.Execute(Plain + ",compress=powersgd:4", DistributedRuns.Steps).Losses;
        double full = LastFiveMean(Uncompressed.Value), r4 = LastFiveMean(rank4), r1 = LastFiveMean(rank1);
        Assert.True(rank1[^1] < rank1[0] - 0.1, $"PowerSGD rank 1 did not learn: {rank1[0]:F3} → {rank1[^1]:F3}");
        // Measured on this tiny GPT: 5.14 (uncompressed), 5.28 (rank 4), 5.32 (rank 1) over the last five steps; the gaps are
        // 4 orders of magnitude above fp32 reordering noise, so the order holds on any CPU.
        Assert.True(full < r4 - 0.02 && r4 < r1 - 0.01, $"mean loss of the last five steps: uncompressed {full:F4}, rank 4 {r4:F4}, rank 1 {r1:F4}");
    }

    [Theory]
    [InlineData(1.0f, (ushort)0x3F80, 1.0f)]
    [InlineData(1.00390625f, (ushort)0x3F80, 1.0f)]          // 1 + 2⁻⁸: halfway between 0x3F80 and 0x3F81, ties to the even 0x3F80
    [InlineData(1.01171875f, (ushort)0x3F82, 1.015625f)]     // 1 + 3·2⁻⁸: halfway between 0x3F81 and 0x3F82, ties to the even 0x3F82
    [InlineData(-2.5f, (ushort)0xC020, -2.5f)]
    public void Should_Round_To_Bfloat16_To_Nearest_With_Ties_To_Even(float value, ushort bits, float rounded)
    {
        Assert.Equal(bits, Bfloat16.FromSingle(value));
        Assert.Equal(rounded, Bfloat16.ToSingle(bits));
    }
}
