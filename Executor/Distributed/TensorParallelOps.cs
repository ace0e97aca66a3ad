using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Megatron-LM's f (Shoeybi et al. 2019, §3, Fig. 3): identity in the forward pass, all-reduce of the gradient in the backward
/// pass. It sits where a replicated activation enters column-parallel layers, whose partial input gradients must be summed.
/// </summary>
public sealed class CopyToTensorGroup : autograd.SingleTensorFunction<CopyToTensorGroup>
{
    public override string Name => nameof(CopyToTensorGroup);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        ctx.save_data("group", vars[1]);
        return ((Tensor)vars[0]).clone();
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient) => [((TensorGroup)ctx.get_data("group")).SumOver(gradient), null!];   // none for the group argument
}

/// <summary>
/// Megatron-LM's g (Shoeybi et al. 2019, §3, Fig. 3): all-reduce in the forward pass, identity in the backward pass. It sits
/// after row-parallel layers, whose partial outputs are summed into the replicated activation.
/// </summary>
public sealed class ReduceFromTensorGroup : autograd.SingleTensorFunction<ReduceFromTensorGroup>
{
    public override string Name => nameof(ReduceFromTensorGroup);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars) => ((TensorGroup)vars[1]).SumOver((Tensor)vars[0]);

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient) => [gradient, null!];   // none for the group argument
}
