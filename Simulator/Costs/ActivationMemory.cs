using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Activation bytes one block keeps for backward, per micro-batch, generalising Korthikanti et al. 2022 (§4.1, eq. 1–2:
/// sbh(34 + 5as/h) for GPT with half precision and dropout) to any element size, grouped-query and latent attention, head
/// widths apart from hidden/heads, gated MLPs, mixtures of experts, models without dropout and fused attention.
/// </summary>
public static class ActivationMemory
{
    public static double PerBlock(ModelSpec model, Layout layout, bool flashAttention, bool moeLayer = false)
    {
        double e = layout.Precision.ActivationBytes(), t = layout.Tp;
        double s = (double)model.SequenceLength / layout.Cp, b = layout.MicroBatch, h = model.Hidden;
        double sbh = s * b * h, sb = s * b;
        double heads = model.Heads, kvHeads = model.KvHeads, qk = model.AttentionQkDim, v = model.AttentionVDim;
        double mask = model.Dropout ? 1 : 0;
        double ffn = moeLayer ? MoeFfn(model, layout, sb) : e * sbh * model.FfnHidden / h * (model.GatedMlp ? 3 : 2) / t; // activation input(s) and MLP-down input

        if (layout.Recompute == RecomputeMode.Full)
            return e * sbh / (layout.Sp ? t : 1); // only the block input is kept (Korthikanti §4.3: 2sbhL)
        if (layout.Recompute == RecomputeMode.Ops)
        {
            // torchtitan's per-operator checkpointing keeps the block input and the outputs of the matmuls it does not recompute
            // (q, v, the MLP's first, and with a gate the down projection's; about half of what an MoE FFN keeps) and of
            // attention with its fp32 log-sum-exp.
            double ffnKept = moeLayer ? ffn / 2 : e * sbh * ((double)model.FfnHidden / h / t + (model.GatedMlp ? 1 : 0));
            double kept = e * sbh + e * sb * (heads * qk + kvHeads * v + heads * v) / t + ffnKept;
            return kept + 4 * heads * s * b / t;
        }

        // Kept whole on every tensor-parallel rank unless sequence parallel: the two norm inputs, the QKV and MLP inputs, the two dropout masks.
        double replicated = (4 * e + 2 * mask) * sbh;    // 10 sbh in Korthikanti's half-precision count
        // Split across tensor-parallel ranks: Q, K, V and the projection input (heads × their widths), then the FFN's.
        double split = e * sb * (heads * qk + kvHeads * qk + kvHeads * v + heads * v) + ffn * t;
        double perRank = replicated / (layout.Sp ? t : 1) + split / t;
        // MLA's latents and their normed copies, computed by the replicated down-projections.
        if (model.Mla is { } mla) perRank += 2 * e * sb * (mla.QLoraRank + mla.KvLoraRank + mla.QkRopeHeadDim);

        double scores = heads * s * (double)model.SequenceLength * b / t;      // a·s²·b / t softmax entries
        if (flashAttention)
            perRank += 4 * heads * s * b / t;                                  // fp32 log-sum-exp per row (Dao et al. 2022, Alg. 2)
        else if (layout.Recompute == RecomputeMode.None)
            perRank += (e + mask * (1 + e)) * scores;                          // softmax output, dropout mask and output: 5as²b
        return perRank;
    }

    /// <summary>
    /// What an MoE FFN keeps on one rank (Megatron-Core's MoE layer): the fp32 router logits and probabilities of the rank's
    /// tokens, and for every token copy its experts compute (the busiest rank's): the permuted input, the activation's inputs and
    /// output, and the expert output the weighted combine needs; shared experts as a dense MLP of their width.
    /// </summary>
    private static double MoeFfn(ModelSpec model, Layout layout, double sb)
    {
        var moe = model.Moe!;
        double e = layout.Precision.ActivationBytes(), h = model.Hidden, t = layout.Tp;
        double routed = sb / (layout.Sp ? t : 1);
        double received = routed * moe.TopK * layout.Etp * moe.BusiestExpertShare;
        double expertWidth = (double)moe.ExpertFfnHidden / layout.Etp;
        double router = 2 * 4 * routed * moe.Experts;
        double experts = e * received * (2 * h + expertWidth * (model.GatedMlp ? 3 : 2));
        double shared = e * sb * moe.SharedExperts * moe.ExpertFfnHidden * (model.GatedMlp ? 3 : 2) / t;
        return router + experts + shared;
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
