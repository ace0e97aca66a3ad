using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Costs;

/// <summary>Optimizer state sizes and the memory traffic of one update, per parameter (fp32 states).</summary>
public static class OptimizerCosts
{
    /// <summary>
    /// Bytes of optimizer state per parameter, master weights included for mixed precision.
    /// Adam/AdamW/LAMB keep two fp32 moments (Kingma &amp; Ba 2015; You et al. 2020); SGD one momentum; mixed precision adds an
    /// fp32 master copy, giving ZeRO's K = 12 for Adam (Rajbhandari et al. 2020, §3.1). Adafactor without momentum keeps
    /// factored second moments: rows + cols per matrix (Shazeer &amp; Stern 2018, §3), passed in as <paramref name="adafactorFraction"/>.
    /// </summary>
    public static double StateBytesPerParameter(OptimizerKind optimizer, Precision precision, double adafactorFraction)
    {
        double master = precision.IsMixed() ? 4 : 0;
        double states = optimizer switch
        {
            OptimizerKind.Sgd => 4,
            OptimizerKind.Adafactor => 4 * adafactorFraction,
            _ => 8,
        };
        return master + states;
    }

    /// <summary>
    /// Bytes streamed per parameter by one optimizer step: the gradient-norm pass for clipping (read gradients), for fp16 the
    /// loss-scale unscale and overflow check (read and write gradients; Micikevicius et al. 2018), then the update itself (read
    /// and write master weights and states, read the gradient) and the write of the half-precision working copy.
    /// </summary>
    public static double StepBytesPerParameter(OptimizerKind optimizer, Precision precision, double adafactorFraction)
    {
        double weightBytes = precision.IsMixed() ? 2 : 4;
        double masterAndStates = StateBytesPerParameter(optimizer, precision, adafactorFraction) + (precision.IsMixed() ? 0 : 4);
        double lambNorms = optimizer == OptimizerKind.Lamb ? 4 + 4 : 0; // LAMB reads weights and the update again for per-layer trust ratios
        double clipping = weightBytes;
        double unscale = precision == Precision.Fp16 ? 2 * weightBytes : 0;
        return clipping + unscale + 2 * masterAndStates + weightBytes + (precision.IsMixed() ? weightBytes : 0) + lambNorms;
    }

    /// <summary>Adafactor's state as a fraction of the parameter count: rows + cols per matrix (blocks, embeddings, untied output), full second moments for vectors (biases, norms).</summary>
    public static double AdafactorStateFraction(ModelSpec model)
    {
        double factored = 0;
        foreach (var (rows, cols) in model.BlockMatrices()) factored += rows + cols;
        double embeddings = model.Vocab + model.Hidden + (model.Positions == PositionEmbedding.Learned ? model.SequenceLength + model.Hidden : 0);
        double output = model.TiedEmbeddings ? 0 : model.Vocab + model.Hidden;
        factored = model.Layers * (factored + model.BlockVectorParameters()) + embeddings + output + model.NormParameters;
        return factored / model.ParameterCount;
    }
}
