using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Tests.Distributed;

/// <summary>The execute report counts optimizer state as elements × moments; this pins the moment count to TorchSharp's real AdamW state.</summary>
public class OptimizerStateTests
{
    [Fact]
    public void Should_Find_Two_Moments_Per_Element_In_AdamWs_State_After_A_Step()
    {
        var weights = new Parameter(linspace(-1, 1, 37));   // deterministic values: no draw from LibTorch's global generator
        var optimizer = optim.AdamW([weights], 1e-3);
        weights.grad = ones_like(weights);
        optimizer.step();
        var state = (AdamW.State)optimizer.state_dict().State[0];
        Assert.Equal(2 * weights.numel(), state.exp_avg.numel() + state.exp_avg_sq.numel());
    }
}
