using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Activation bytes one block keeps for backward, per micro-batch, generalising Korthikanti et al. 2022 (§4.1, eq. 1–2:
/// sbh(34 + 5as/h) for GPT with half precision and dropout) to any element size, grouped-query attention, gated MLPs,
/// models without dropout and fused attention.
/// </summary>
public static class ActivationMemory
{
    public static double PerBlock(ModelSpec model, Layout layout, bool flashAttention)
    {
        double e = layout.Precision.ActivationBytes(), t = layout.Tp;
        double s = (double)model.SequenceLength / layout.Cp, b = layout.MicroBatch, h = model.Hidden;
        double sbh = s * b * h;
        double kvShare = (double)model.KvHeads / model.Heads;
        double mask = model.Dropout ? 1 : 0;

        if (layout.Recompute == RecomputeMode.Full)
            return e * sbh / (layout.Sp ? t : 1); // only the block input is kept (Korthikanti §4.3: 2sbhL)
        if (layout.Recompute == RecomputeMode.Ops)
        {
            // torchtitan's per-operator checkpointing keeps the block input and the outputs of the matmuls it does not recompute
            // (q, v, the MLP's first, and with a gate the down projection's) and of attention with its fp32 log-sum-exp.
            double kept = 1 + 1.0 / t + (double)model.KvHeads / model.Heads / t + 1.0 / t
                        + (double)model.FfnHidden / h / t + (model.GatedMlp ? 1 : 0);
            return e * sbh * kept + 4 * model.Heads * s * b / t;
        }

        // Kept whole on every tensor-parallel rank unless sequence parallel: the two norm inputs, the QKV and MLP inputs, the two dropout masks.
        double replicated = (4 * e + 2 * mask) * sbh;    // 10 sbh in Korthikanti's half-precision count
        // Split across tensor-parallel ranks: Q, K, V, the projection input, the MLP hidden activations.
        double ffnRatio = (double)model.FfnHidden / h;
        double split = e * sbh * (1 + 2 * kvShare + 1)                        // Q, K, V, attention-projection input
                     + e * sbh * ffnRatio * (model.GatedMlp ? 3 : 2);          // activation input(s) and MLP-down input
        double perRank = replicated / (layout.Sp ? t : 1) + split / t;

        double heads = model.Heads;
        double scores = heads * s * (double)model.SequenceLength * b / t;      // a·s²·b / t softmax entries
        if (flashAttention)
            perRank += 4 * heads * s * b / t;                                  // fp32 log-sum-exp per row (Dao et al. 2022, Alg. 2)
        else if (layout.Recompute == RecomputeMode.None)
            perRank += (e + mask * (1 + e)) * scores;                          // softmax output, dropout mask and output: 5as²b
        return perRank;
    }

    /// <summary>
    /// Micro-batches' worth of a stage's layers held at the peak on pipeline stage <paramref name="stage"/>: m for GPipe,
    /// min(m, p − stage) for 1F1B (Narayanan et al. SC21 §2.2.1: stage s runs p − s forwards before its first backward), times
    /// (1 + (p − 1 − stage)/(p·v)) for the interleaved schedule (Korthikanti et al. 2022, §4.2.3, stated there for the first stage).
    /// </summary>
    public static double MicroBatchesInFlight(Layout layout, int microBatches, int stage)
    {
        if (layout.Schedule == PipelineSchedule.GPipe) return microBatches;
        double inFlight = Math.Min(microBatches, layout.Pp - stage);
        if (layout.Schedule == PipelineSchedule.Interleaved)
            inFlight *= 1 + (layout.Pp - 1.0 - stage) / (layout.Pp * layout.Vp);
        return inFlight;
    }
}
