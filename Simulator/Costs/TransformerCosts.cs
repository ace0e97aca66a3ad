using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Kernel-by-kernel cost of one micro-batch through a transformer block, the embedding and the output head on one device,
/// following Megatron-LM's tensor-parallel split (Shoeybi et al. 2019, §3) and sequence parallelism (Korthikanti et al. 2022, §4.2.2).
/// A backward GEMM is two GEMMs of the forward's size (input gradient and weight gradient). The memory-bound kernels are the
/// stack's (<see cref="KernelRecipe"/>), and a pass cannot run faster than the host issues its operators.
/// </summary>
public sealed class TransformerCosts
{
    private readonly ModelSpec model;
    private readonly KernelTimer timer;
    private readonly GroupLink tensorLink, contextLink;
    private readonly KernelRecipe recipe;
    private readonly RecomputeMode recompute;
    private readonly Precision precision;
    private readonly bool flash, sp;
    private readonly int e;
    private readonly double t, b, s, fullSeq, tokens, normTokens, headsT, kvHeadsT, ffnT, hd, h, qkvColumns, mlpUpColumns;

    public TransformerCosts(ModelSpec model, TrainingSpec training, Layout layout, KernelTimer timer, GroupLink tensorLink, GroupLink contextLink)
    {
        this.model = model;
        this.timer = timer;
        this.tensorLink = tensorLink;
        this.contextLink = contextLink;
        recipe = KernelRecipe.Of(training);
        recompute = layout.Recompute;
        precision = layout.Precision;
        flash = training.FlashAttention;
        sp = layout.Sp;
        e = layout.Precision.ActivationBytes();
        t = layout.Tp;
        b = layout.MicroBatch;
        fullSeq = model.SequenceLength;
        s = fullSeq / layout.Cp;
        tokens = b * s;
        normTokens = sp ? tokens / t : tokens;
        headsT = (double)model.Heads / t;
        kvHeadsT = Math.Max(1.0, (double)model.KvHeads / t); // key/value heads are replicated when tp exceeds them
        ffnT = (double)model.FfnHidden / t;
        hd = model.HeadDim;
        h = model.Hidden;
        qkvColumns = (headsT + 2 * kvHeadsT) * hd;
        mlpUpColumns = (model.GatedMlp ? 2 : 1) * ffnT;
    }

    /// <summary>One transformer block: attention and MLP with their norms, residuals, dropout and communication, and where that communication falls.</summary>
    public (PassCost Cost, CommSplit Comm) Block()
    {
        double qkvCols = (headsT + 2 * kvHeadsT) * hd, mlpUpCols = (model.GatedMlp ? 2 : 1) * ffnT;
        double gemmFlops = 2 * tokens * h * (qkvCols + headsT * hd + mlpUpCols + ffnT);
        double gemmFwd = GemmForward(tokens, qkvCols, h) + GemmForward(tokens, h, headsT * hd)
                       + GemmForward(tokens, mlpUpCols, h) + GemmForward(tokens, h, ffnT);
        double bwd = GemmBackward(tokens, qkvCols, h) + GemmBackward(tokens, h, headsT * hd)
                   + GemmBackward(tokens, mlpUpCols, h) + GemmBackward(tokens, h, ffnT);
        var (memoryFwd, memoryBwd) = MemoryPasses();
        var (castFwd, castBwd) = Fp8Casts(qkvCols, mlpUpCols);
        memoryFwd += castFwd;
        double fwd = gemmFwd + memoryFwd;
        bwd += memoryBwd + castBwd;

        var (attnFwd, attnBwd, attnFlops) = AttentionCore();
        fwd += attnFwd;
        bwd += attnBwd;
        double modelFlops = 3 * (gemmFlops + attnFlops); // backward = 2 × forward (Narayanan et al. SC21, §5.1)

        // The host issues the block's operators one by one; when that takes longer than the kernels, the device waits (the
        // backward's autograd nodes are about as many as the forward's operators).
        double host = recipe.HostOperatorsPerBlock * timer.HostSecondsPerOperator;
        fwd = Math.Max(fwd, host);
        bwd = Math.Max(bwd, host);

        // Tensor parallelism: two all-reduces forward and two backward per block (Shoeybi et al. 2019, Fig. 3);
        // with sequence parallelism each becomes a reduce-scatter + all-gather of the same volume (Korthikanti et al. 2022, §4.2.2).
        double activationBytes = tokens * h * e;
        double exchange = sp ? tensorLink.ReduceScatter(activationBytes) + tensorLink.AllGather(activationBytes) : tensorLink.AllReduce(activationBytes);
        double tensorComm = 4 * exchange, forwardTensorComm = 2 * exchange, recomputeTensorComm = 0;

        // Context parallelism: key/value blocks travel the cp ring (cp−1 hops forward; keys, values and their gradients backward),
        // overlapped with the attention kernels (Megatron-LM context parallel, ring attention of Liu et al. 2023).
        double kvBytes = 2 * tokens * kvHeadsT * hd * e;
        double ringHops = contextLink.Size - 1;
        double forwardContextComm = Math.Max(0, ringHops * contextLink.PointToPoint(kvBytes) - attnFwd);
        double contextComm = forwardContextComm + Math.Max(0, ringHops * contextLink.PointToPoint(2 * kvBytes) - attnBwd);

        double recomputeTime = 0, recomputeFlops = 0;
        switch (recompute)
        {
            case RecomputeMode.Full:
                recomputeTime = fwd;
                recomputeFlops = gemmFlops + attnFlops;
                recomputeTensorComm = 2 * exchange; // the recomputed forward repeats its two exchanges
                tensorComm += recomputeTensorComm;
                break;
            case RecomputeMode.Selective when !flash:
                recomputeTime = attnFwd;
                recomputeFlops = attnFlops;
                break;
            case RecomputeMode.Ops:
                // Every second matmul of the block in forward order (q, k, v, o, up, gate, down: k, o and the gate, or the MLP's
                // down projection without a gate) and every memory-bound pass run again; attention outputs are kept.
                double recomputedGemms = GemmForward(tokens, kvHeadsT * hd, h) + GemmForward(tokens, h, headsT * hd)
                                       + (model.GatedMlp ? GemmForward(tokens, ffnT, h) : GemmForward(tokens, h, ffnT));
                recomputeTime = Math.Max(recomputedGemms + memoryFwd, host);
                recomputeFlops = 2 * tokens * h * (kvHeadsT * hd + headsT * hd + ffnT);
                break;
        }
        return (new PassCost(fwd, bwd, recomputeTime, tensorComm, contextComm, modelFlops, modelFlops + recomputeFlops),
                new CommSplit(forwardTensorComm, recomputeTensorComm, forwardContextComm));
    }

    /// <summary>
    /// fp8 GEMMs take their operands in float8 with dynamic scaling: each activation input is reduced to its absolute maximum and
    /// cast (read e bytes, write 1) before the forward GEMMs that share it, and each output gradient, and a transposed copy of each
    /// fp8 operand for the other backward GEMM, before the backward (pytorch/ao torchao/float8 README, Float8Linear with dynamic
    /// tensorwise scaling; NVIDIA Transformer Engine "FP8 primer" casts the same tensors). Weights are small beside activations
    /// at training token counts and are left out.
    /// </summary>
    private (double Forward, double Backward) Fp8Casts(double qkvCols, double mlpUpCols)
    {
        if (precision != Precision.Fp8) return (0, 0);
        double inputs = tokens * (h + headsT * hd + h + ffnT);            // qkv, projection, MLP up and MLP down inputs
        double outputGradients = tokens * (qkvCols + h + mlpUpCols + h);   // the same four GEMMs' output gradients
        double forward = timer.Memory((e + 1) * inputs, MemoryKernel.Elementwise, 4);
        double backward = timer.Memory((e + 1) * outputGradients + 2 * inputs, MemoryKernel.Elementwise, 8);
        return (forward, backward);
    }

    /// <summary>The block's memory-bound kernels, forward and backward, as the stack's code runs them.</summary>
    private (double Forward, double Backward) MemoryPasses()
    {
        double fwd = 0, bwd = 0;
        // Two norms: fused (and LayerNorm everywhere) read x and write y, backward read x and dy and write dx; eager RMSNorm is a composite.
        bool composite = model.Norm == NormKind.RmsNorm;
        var normForward = composite ? recipe.RmsNormForward : new PassBytes(2);
        var normBackward = composite ? recipe.RmsNormBackward : new PassBytes(3);
        fwd += 2 * timer.Memory(normForward.At(e) * normTokens * h, MemoryKernel.Normalization, composite ? recipe.RmsNormForwardKernels : 1);
        bwd += 2 * timer.Memory(normBackward.At(e) * normTokens * h, MemoryKernel.NormalizationBackward, composite ? recipe.RmsNormBackwardKernels : 1);
        // Two residual adds with bias and dropout fused (Megatron's bias_dropout_add): read two, write one, plus a 1-byte mask.
        double residualBytes = (3 * e + (model.Dropout ? 1 : 0)) * normTokens * h;
        fwd += 2 * timer.Memory(residualBytes);
        bwd += 2 * timer.Memory(residualBytes);
        // MLP activation: GeLU reads 1 writes 1 (backward reads 2 writes 1); SwiGLU as the recipe runs it.
        fwd += model.GatedMlp ? timer.Memory(recipe.SwigluForward.At(e) * tokens * ffnT, MemoryKernel.Activation, recipe.SwigluKernels)
                              : timer.Memory(2 * e * tokens * ffnT, MemoryKernel.Activation);
        bwd += model.GatedMlp ? timer.Memory(recipe.SwigluBackward.At(e) * tokens * ffnT, MemoryKernel.ActivationBackward, recipe.SwigluKernels)
                              : timer.Memory(3 * e * tokens * ffnT, MemoryKernel.ActivationBackward);
        if (model.Biases)
        {
            // Bias gradients: each linear's output gradient is read once and summed over tokens (Megatron-LM 2021 Column/RowParallelLinear
            // backward, grad_output.sum(dim=0)); the row-parallel biases are added after g, on normTokens positions.
            bwd += timer.Memory(e * (tokens * (qkvColumns + mlpUpColumns) + 2 * normTokens * h));
        }
        if (model.Positions == PositionEmbedding.Rotary)
        {
            double ropeBytes = recipe.Rotary.At(e) * tokens * (headsT + kvHeadsT) * hd; // rotate q and k
            fwd += timer.Memory(ropeBytes, MemoryKernel.Elementwise, recipe.RotaryKernels);
            bwd += timer.Memory(ropeBytes, MemoryKernel.Elementwise, recipe.RotaryKernels);
        }
        // Eager attention plumbing: keys and values repeated to the query heads, the output transposed into a contiguous copy.
        double plumbing = recipe.AttentionLayout.At(e) * tokens * headsT * hd
                        + (recipe.RepeatsKeyValues && kvHeadsT < headsT ? 2 * e * tokens * (kvHeadsT + headsT) * hd : 0);
        if (plumbing > 0)
        {
            fwd += timer.Memory(plumbing, MemoryKernel.Copy, 3);
            bwd += timer.Memory(plumbing, MemoryKernel.Copy, 3);
        }
        return (fwd, bwd);
    }

    /// <summary>The attention core alone (scores, mask and softmax, dropout, weighted sum of values), forward and backward.</summary>
    public PassCost Attention()
    {
        var (forward, backward, flops) = AttentionCore();
        return new PassCost(forward, backward, 0, 0, 0, 3 * flops, 3 * flops);
    }

    /// <summary>Scores, softmax, dropout and the weighted sum of values: (forward time, backward time, forward FLOPs counted as dense).</summary>
    private (double Forward, double Backward, double Flops) AttentionCore()
    {
        double batch = b * headsT;
        double flops = 4 * batch * s * fullSeq * hd; // QKᵀ and PV, the s² terms (Narayanan et al. SC21, eq. 3)
        if (flash)
        {
            // FlashAttention skips fully masked tiles under a causal mask (half the work) and its backward does 5 GEMMs to the forward's 2 (Dao 2023, §3.1).
            double forwardTime = timer.FusedAttention(0.5 * flops, s, backward: false);
            return (forwardTime, timer.FusedAttention(1.25 * flops, s, backward: true), flops);
        }
        double scores = batch * s * fullSeq;
        double fwd = timer.Gemm(s, fullSeq, hd, batch, e) + timer.Memory(2 * e * scores, MemoryKernel.Softmax) + timer.Gemm(s, hd, fullSeq, batch, e);
        double bwd = timer.Gemm(s, hd, fullSeq, batch, e) + timer.Gemm(fullSeq, hd, s, batch, e)  // dQ, dK
                   + timer.Gemm(s, fullSeq, hd, batch, e) + timer.Gemm(fullSeq, hd, s, batch, e)  // dP, dV
                   + timer.Memory(3 * e * scores, MemoryKernel.SoftmaxBackward);                                      // softmax backward
        if (model.Dropout)
        {
            fwd += timer.Memory((2 * e + 1) * scores);
            bwd += timer.Memory((2 * e + 1) * scores);
        }
        return (fwd, bwd, flops);
    }

    /// <summary>
    /// Token (and learned position) embedding on the first stage. With tp > 1 the vocabulary is split (Megatron-LM's
    /// VocabParallelEmbedding): each rank looks up its rows and the partial embeddings are all-reduced over the tensor group in
    /// the forward; with sequence parallelism each rank then keeps its positions (Megatron-LM 2022 scatters the all-reduced
    /// embeddings to the sequence-parallel region). The backward needs no communication, so all of it is forward.
    /// </summary>
    public (PassCost Cost, CommSplit Comm) Embedding()
    {
        double bytes = tokens * h * e * (model.Positions == PositionEmbedding.Learned ? 3 : 1);
        double activationBytes = tokens * h * e;
        double comm = tensorLink.AllReduce(activationBytes);
        return (new PassCost(timer.Memory(bytes, MemoryKernel.Copy), timer.Memory(2 * tokens * h * e, MemoryKernel.Copy), 0, comm, 0, 0, 0), new CommSplit(comm, 0, 0));
    }

    /// <summary>
    /// Final norm, vocabulary-parallel logits and cross-entropy in fp32 on the last stage; never recomputed; and where its
    /// tensor-parallel communication falls. The output layer is column-parallel (Shoeybi et al. 2019, §3): its input passes f
    /// (all-reduce in backward), or with sequence parallelism an all-gather forward and a reduce-scatter backward; the parallel
    /// cross-entropy all-reduces three fp32 values per token forward: the logits' maximum, the sum of exponentials and the target
    /// logit (Megatron-LM vocab_parallel_cross_entropy).
    /// </summary>
    public (PassCost Cost, CommSplit Comm) Head()
    {
        double vocabT = model.Vocab / t;
        double logits = tokens * vocabT;
        double flops = 2 * tokens * h * vocabT;
        double fwd = timer.Memory(2 * normTokens * h * e, MemoryKernel.Normalization) + GemmForward(tokens, vocabT, h);
        double bwd = timer.Memory(3 * normTokens * h * e, MemoryKernel.NormalizationBackward) + GemmBackward(tokens, vocabT, h);
        if (t == 1)
        {
            fwd += timer.Memory(recipe.CrossEntropyForward.At(e) * logits, MemoryKernel.Softmax);   // log-softmax over fp32 logits
            bwd += timer.Memory(recipe.CrossEntropyBackward.At(e) * logits, MemoryKernel.SoftmaxBackward);
        }
        else
        {
            // Megatron-LM's vocab_parallel_cross_entropy is unfused: forward casts to fp32, takes the max (read), subtracts it in place
            // (read, write), exponentiates into a buffer (read, write), sums (read) and divides the buffer by the sum in place (read,
            // write); backward multiplies it by the incoming gradient (read, write) and casts the gradient back.
            double cast = e < 4 ? (e + 4) * logits : 0;
            fwd += timer.Memory(cast + (4 + 8 + 4 + 8) * logits) + timer.Memory(8 * logits, MemoryKernel.Activation);
            bwd += timer.Memory(8 * logits + cast);
        }
        double activationBytes = tokens * h * e;
        double crossEntropy = 3 * tensorLink.AllReduce(tokens * 4);
        double forwardComm = (sp ? tensorLink.AllGather(activationBytes) : 0) + crossEntropy;
        double backwardComm = sp ? tensorLink.ReduceScatter(activationBytes) : tensorLink.AllReduce(activationBytes);
        return (new PassCost(fwd, bwd, 0, forwardComm + backwardComm, 0, 3 * flops, 3 * flops), new CommSplit(forwardComm, 0, 0));
    }

    private double GemmForward(double m, double n, double k) => timer.Gemm(m, n, k, 1, e);

    // Input gradient [m×n]·[n×k] and weight gradient [k×m]·[m×n] (dYᵀ·X, at the weight-gradient efficiency).
    private double GemmBackward(double m, double n, double k) => timer.Gemm(m, k, n, 1, e) + timer.WeightGradientGemm(k, n, m, e);
}
