using ScalePlanner.Executor.Distributed;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Tests.Distributed;

public class GradientBucketsTests
{
    [Fact]
    public void Should_Fill_Buckets_Up_To_The_Cap_And_Give_An_Oversized_Parameter_Its_Own()
    {
        // 4-byte floats: 100, 100, 300 and 50 elements = 400, 400, 1,200 and 200 bytes; in reverse order with a 1,000-byte cap:
        // 50 first, and adding 300 would make 1,400 → {50}; then {300} alone (1,200 > cap); then {100, 100} = 800.
        Parameter[] parameters = [new(zeros(100)), new(zeros(100)), new(zeros(300)), new(zeros(50))];
        Assert.Equal(3, new GradientBuckets(parameters, bucketBytes: 1_000).Count);
        Assert.Equal(1, new GradientBuckets(parameters).Count);
    }
}
