using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace ScalePlanner.Executor.Model;

/// <summary>
/// Puts an auxiliary loss into backward without adding it to the model's output: forward returns the output unchanged; backward
/// passes the output's gradient through and gives the loss the gradient <see cref="MoeRouting.AuxLossScale"/>, as if it had been
/// added to the main loss (Megatron-Core's MoEAuxLossAutoScaler). So the loss reaches its router wherever the layer sits
/// (any pipeline stage, inside a recomputed block) and the training loops stay as they are.
/// </summary>
public sealed class AuxLossAttach : SingleTensorFunction<AuxLossAttach>
{
    public override string Name => nameof(AuxLossAttach);

    /// <summary><paramref name="output"/>, with <paramref name="aux"/> (a scalar) back-propagated at <paramref name="routing"/>'s scale.</summary>
    public static Tensor Apply(Tensor output, Tensor aux, MoeRouting routing) => apply(output, aux, routing);

    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var aux = (Tensor)vars[1];
        ctx.save_data("shape", aux.shape);
        ctx.save_data("type", aux.dtype);
        ctx.save_data("device", aux.device);
        ctx.save_data("routing", vars[2]);
        return ((Tensor)vars[0]).clone();   // a new tensor: a custom function may not hand back its input
    }

    public override List<Tensor> backward(AutogradContext ctx, Tensor gradient)
    {
        var scale = ((MoeRouting)ctx.get_data("routing")).AuxLossScale;
        var auxGradient = full((long[])ctx.get_data("shape"), scale, dtype: (ScalarType)ctx.get_data("type"), device: (Device)ctx.get_data("device"));
        return [gradient, auxGradient, null!];   // none for the routing argument
    }
}
