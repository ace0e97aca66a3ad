using ScalePlanner.Executor.Distributed;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Tests.Distributed;

public class ParameterChecksumTests
{
    private static Parameter[] Weights(float nudge)
    {
        // Its own generator: seeding LibTorch's global one would disturb tests running alongside.
        var generator = new Generator(3);
        var a = new Parameter(randn([16, 8], generator: generator));
        var b = new Parameter(randn([5], generator: generator));
        using (no_grad()) b[2].add_(nudge);
        return [a, b];
    }

    [Fact]
    public void Should_Agree_For_Identical_Weights_And_Differ_When_One_Element_Moves_By_A_Few_Units_In_The_Last_Place()
    {
        long reference = ParameterChecksum.Of(Weights(0));
        Assert.Equal(reference, ParameterChecksum.Of(Weights(0)));
        // randn values are O(1); 1e-6 is a few units in the last place of such a float, the smallest corruption there is.
        Assert.NotEqual(reference, ParameterChecksum.Of(Weights(1e-6f)));
    }
}
