using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Tests.Simulator.Timeline;

/// <summary>Bucketed data-parallel reduction overlapping the last backward (PyTorch DDP, Li et al. VLDB 2020).</summary>
public class GradientBucketTests
{
    // GPT-2 small on one node of 8 L4: 124 M parameters, 249 MB of bf16 gradients, all-reduced over 8 ranks on PCIe.
    private static readonly ScalePlanner.Simulator.Simulation.TrainingJob Gpt2 = Jobs.Of("gpt2-small", "l4", 1, 64);

    private static (double Exposed, double Total) Reduction(double bucketMegabytes)
    {
        var t = TimelineSimulator.Evaluate(Gpt2, Layout.Parse("dp=8,mb=8"), options: new TimelineOptions { BucketBytes = bucketMegabytes * 1e6 }).Timeline;
        var group = t.Groups[t.CriticalGroup];
        return (group.Time.DataParallelCommExposed, group.DataParallelCommSeconds);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(100)]
    [InlineData(25)]
    [InlineData(6.25)]
    [InlineData(1)]
    [InlineData(0.1)]
    [InlineData(0.025)]
    public void Should_Expose_Between_None_And_All_Of_The_Reduction(double bucketMegabytes)
    {
        var (exposed, total) = Reduction(bucketMegabytes);
        Assert.True(exposed >= 0, $"exposed {exposed} s is negative");
        Assert.True(exposed <= total * (1 + 1e-12), $"exposed {exposed} s is more than the {total} s of reduction itself");
    }

    [Fact]
    public void Should_Expose_All_Of_One_Bucket_That_Fills_Only_When_The_Backward_Ends()
    {
        var (exposed, total) = Reduction(1000);
        Assert.Equal(total, exposed, 1e-12);
    }

    [Fact]
    public void Should_Shrink_Exposure_As_Buckets_Shrink_Until_Small_Collectives_Lose_Bandwidth()
    {
        double[] sizes = [1000, 100, 25];
        var exposed = sizes.Select(s => Reduction(s).Exposed).ToArray();
        for (int i = 1; i < sizes.Length; i++)
            Assert.True(exposed[i] < exposed[i - 1], $"{sizes[i]} MB buckets expose {exposed[i]} s, no less than {sizes[i - 1]} MB's {exposed[i - 1]} s");

        // Smaller buckets reach a fraction of the link (nccl-tests on 8 A100: 0.37 of the plateau at 8 MiB, 0.06 at 1 MiB) and pay
        // the all-reduce latency 2(n−1)·α each, more than the backward can hide.
        var (small, smallTotal) = Reduction(6.25);
        Assert.True(small > exposed[^1], $"6.25 MB buckets expose {small} s, no more than 25 MB's {exposed[^1]} s");
        var (tiny, tinyTotal) = Reduction(0.025);
        Assert.True(tiny > small, $"25 kB buckets expose {tiny} s, no more than 6.25 MB's {small} s");
        Assert.True(tinyTotal > 5 * Reduction(25).Total);
    }

    [Fact]
    public void Should_Expose_Every_Reduction_Without_Overlap()
    {
        var t = TimelineSimulator.Evaluate(Gpt2, Layout.Parse("dp=8,mb=8,overlap=off")).Timeline;
        var group = t.Groups[0];
        Assert.Equal(group.DataParallelCommSeconds, group.Time.DataParallelCommExposed, 1e-12);
        Assert.True(group.Time.DataParallelCommExposed > Reduction(25).Exposed);
    }
}
