using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Megatron-LM's g (Shoeybi et al. 2019, §3, Fig. 3): all-reduce in the forward pass, identity in the backward pass. It sits
/// after row-parallel layers, whose partial outputs are summed into the replicated activation. (Its twin f is a
/// <see cref="BackwardHook"/>: <see cref="TensorGroup.CopyTo"/>.)
/// </summary>
public sealed class ReduceFromTensorGroup : autograd.SingleTensorFunction<ReduceFromTensorGroup>
{
    public override string Name => nameof(ReduceFromTensorGroup);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars) => ((TensorGroup)vars[1]).SumOver((Tensor)vars[0]);

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient) => [gradient, null!];   // none for the group argument
}
