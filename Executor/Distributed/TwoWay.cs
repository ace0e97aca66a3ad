using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// A custom autograd function made of two given functions: one for the forward pass and one that maps the incoming gradient in
/// the backward pass. TorchSharp 0.107 has no per-tensor gradient hooks; this is how the executor acts during backward.
/// Megatron-LM's f and g and their sequence-parallel twins are pairs of collectives (<see cref="TensorGroup"/>), and an identity
/// whose backward reports to the caller tells when a unit's weight gradients are complete (<see cref="StageModel.UnitReady"/>;
/// LibTorch's engine runs a node only once all its inputs are in, and accumulates weight gradients before running nodes created
/// earlier, as AccumulateGrad has the highest priority in PyTorch's ready queue).
/// </summary>
public sealed class TwoWay : autograd.SingleTensorFunction<TwoWay>
{
    public override string Name => nameof(TwoWay);

    /// <summary>Applies <paramref name="forward"/> to <paramref name="x"/>; backward applies <paramref name="backward"/> to the gradient.</summary>
    public static Tensor Of(Tensor x, Func<Tensor, Tensor> forward, Func<Tensor, Tensor> backward) => apply(x, forward, backward);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        ctx.save_data("backward", vars[2]);
        return ((Func<Tensor, Tensor>)vars[1])((Tensor)vars[0]);
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient) =>
        [((Func<Tensor, Tensor>)ctx.get_data("backward"))(gradient), null!, null!];   // none for the two function arguments
}
