using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Model;

public static class Norm
{
    /// <summary>The model's normalisation: LayerNorm with scale and shift, or RMSNorm with scale only.</summary>
    public static nn.Module<Tensor, Tensor> Of(ModelSpec model) =>
        model.Norm == NormKind.RmsNorm ? new RmsNorm(model.Hidden) : nn.LayerNorm(model.Hidden);
}
