using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// An identity placed on the input of a unit of layers; its backward runs once the unit's own backward is done, and calls the
/// action it carries. TorchSharp 0.107 has no per-tensor gradient hooks, so this is how the executor learns during backward that a
/// unit's weight gradients are complete: LibTorch's engine runs a node only when all its inputs are in and runs the gradient
/// accumulation of weights before nodes created earlier (AccumulateGrad has the highest priority in PyTorch's ready queue).
/// </summary>
public sealed class GradientReady : autograd.SingleTensorFunction<GradientReady>
{
    public override string Name => nameof(GradientReady);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        ctx.save_data("ready", vars[1]);
        return ((Tensor)vars[0]).clone();
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
    {
        ((Action)ctx.get_data("ready"))();
        return [gradient, null!];   // none for the action argument
    }
}
