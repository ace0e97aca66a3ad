using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// An identity in the forward pass whose backward pass hands the incoming gradient to the function it carries and passes on
/// what that returns. TorchSharp 0.107 has no per-tensor gradient hooks; this custom autograd function is how the executor acts
/// during backward: Megatron-LM's f sums the gradient over the tensor group (<see cref="TensorGroup.CopyTo"/>), and on a unit's
/// input it reports that the unit's weight gradients are complete (<see cref="StageModel.UnitReady"/>; LibTorch's engine runs a
/// node only once all its inputs are in, and accumulates weight gradients before running nodes created earlier, as
/// AccumulateGrad has the highest priority in PyTorch's ready queue).
/// </summary>
public sealed class BackwardHook : autograd.SingleTensorFunction<BackwardHook>
{
    public override string Name => nameof(BackwardHook);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        ctx.save_data("hook", vars[1]);
        return ((Tensor)vars[0]).clone();
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient) =>
        [((Func<Tensor, Tensor>)ctx.get_data("hook"))(gradient), null!];   // none for the function argument
}
