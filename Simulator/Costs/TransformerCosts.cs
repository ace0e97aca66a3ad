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
    private readonly bool flash, sp, moeOverlap;
    private readonly int e;
    private readonly double t, b, s, fullSeq, tokens, normTokens, headsT, kvHeadsT, ffnT, hd, qkDim, vDim, h, qkvColumns, mlpUpColumns;

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
        moeOverlap = training.MoeOverlap;
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
        qkDim = model.AttentionQkDim;
        vDim = model.AttentionVDim;
        h = model.Hidden;
        qkvColumns = (headsT + 2 * kvHeadsT) * hd;
        mlpUpColumns = (model.GatedMlp ? 2 : 1) * ffnT;
    }

    /// <summary>One dense transformer block: attention and MLP with their norms, residuals, dropout and communication, and where that communication falls.</summary>
    public (PassCost Cost, CommSplit Comm) Block() => Block(DenseFfn());

    /// <summary>Tokens of a micro-batch on one tensor group (b·s/cp) and the share one rank routes in an MoE layer (b·s/(cp·tp) with sequence parallelism).</summary>
    public (double Tokens, double RoutedTokens) TokenCounts => (tokens, normTokens);

    /// <summary>One block of attention and the given feed-forward half (the dense MLP, or a mixture of experts from <see cref="MoeFfnCosts"/>).</summary>
    public (PassCost Cost, CommSplit Comm) Block(in Sublayer ffn)
    {
        var attention = AttentionSublayer();
        var (attnFwd, attnBwd, attnFlops) = AttentionCore();
        double gemmFlops = attention.Flops + ffn.Flops;
        double memoryFwd = attention.MemoryForward + ffn.MemoryForward;
        double fwd = attention.GemmForward + ffn.GemmForward + memoryFwd + attnFwd;
        double bwd = attention.GemmBackward + ffn.GemmBackward + attention.MemoryBackward + ffn.MemoryBackward + attnBwd;
        // Bias gradients: each linear's output gradient is read once and summed over tokens (Megatron-LM 2021 Column/RowParallelLinear
        // backward, grad_output.sum(dim=0)), one pass over the block's biases.
        double biasBytes = attention.BiasGradientBytes + ffn.BiasGradientBytes;
        if (biasBytes > 0) bwd += timer.Memory(biasBytes);
        var (castFwd, castBwd) = Fp8Casts(attention.CastInputs + ffn.CastInputs, attention.CastOutputGradients + ffn.CastOutputGradients);
        memoryFwd += castFwd;
        fwd += castFwd;
        bwd += castBwd;
        double modelFlops = 3 * (gemmFlops + attnFlops); // backward = 2 × forward (Narayanan et al. SC21, §5.1)

        // The host issues the block's operators one by one; when that takes longer than the kernels, the device waits (the
        // backward's autograd nodes are about as many as the forward's operators).
        double host = (attention.HostOperators + ffn.HostOperators) * timer.HostSecondsPerOperator;
        fwd = Math.Max(fwd, host);
        bwd = Math.Max(bwd, host);

        // Tensor parallelism: an all-reduce forward and one backward per half (Shoeybi et al. 2019, Fig. 3); with sequence
        // parallelism each becomes a reduce-scatter + all-gather of the same volume (Korthikanti et al. 2022, §4.2.2).
        double activationBytes = tokens * h * e;
        double exchange = sp ? tensorLink.ReduceScatter(activationBytes) + tensorLink.AllGather(activationBytes) : tensorLink.AllReduce(activationBytes);
        double exchanges = attention.TensorExchanges + ffn.TensorExchanges;
        double forwardTensorComm = exchanges * exchange, tensorComm = 2 * forwardTensorComm, recomputeTensorComm = 0;
        double forwardExpertComm = ffn.ExpertForward, expertComm = ffn.ExpertForward + ffn.ExpertBackward, recomputeExpertComm = 0;
        if (moeOverlap && expertComm > 0)
        {
            // Dispatch and combine run under another micro-batch's attention and experts (DeepSeek-V3 §3.2.1, Megatron-Core's EP
            // overlap): what the block's own compute cannot cover stays exposed.
            double exposed = Math.Max(0, expertComm - (fwd + bwd)) / expertComm;
            forwardExpertComm *= exposed;
            expertComm *= exposed;
        }

        // Context parallelism: key/value blocks travel the cp ring (cp−1 hops forward; keys, values and their gradients backward),
        // overlapped with the attention kernels (Megatron-LM context parallel, ring attention of Liu et al. 2023).
        double kvBytes = tokens * kvHeadsT * (qkDim + vDim) * e;
        double ringHops = contextLink.Size - 1;
        double forwardContextComm = Math.Max(0, ringHops * contextLink.PointToPoint(kvBytes) - attnFwd);
        double contextComm = forwardContextComm + Math.Max(0, ringHops * contextLink.PointToPoint(2 * kvBytes) - attnBwd);

        double recomputeTime = 0, recomputeFlops = 0;
        switch (recompute)
        {
            case RecomputeMode.Full:
                recomputeTime = fwd;
                recomputeFlops = gemmFlops + attnFlops;
                recomputeTensorComm = forwardTensorComm; // the recomputed forward repeats its exchanges and its token dispatch
                tensorComm += recomputeTensorComm;
                recomputeExpertComm = forwardExpertComm;
                expertComm += recomputeExpertComm;
                break;
            case RecomputeMode.Selective when !flash:
                recomputeTime = attnFwd;
                recomputeFlops = attnFlops;
                break;
            case RecomputeMode.Ops:
                // Every second matmul of the block in forward order and every memory-bound pass run again; attention outputs are kept.
                recomputeTime = Math.Max(attention.OpsRecomputeGemms + ffn.OpsRecomputeGemms + memoryFwd, host);
                recomputeFlops = attention.OpsRecomputeFlops + ffn.OpsRecomputeFlops;
                break;
        }
        return (new PassCost(fwd, bwd, recomputeTime, tensorComm, contextComm, modelFlops, modelFlops + recomputeFlops, expertComm),
                new CommSplit(forwardTensorComm, recomputeTensorComm, forwardContextComm, forwardExpertComm, recomputeExpertComm));
    }

    /// <summary>
    /// Attention with its norm and residual. Multi-head and grouped-query attention: one fused QKV GEMM (column-parallel) and the
    /// row-parallel projection (Shoeybi et al. 2019, §3). Multi-head latent attention (DeepSeek-V2 §2.1): the query and key/value
    /// down-projections to their latents, replicated on every tensor rank (Megatron-Core MLA's duplicated linears), with their
    /// norms; the up-projections column-parallel; the output projection row-parallel.
    /// </summary>
    private Sublayer AttentionSublayer()
    {
        double gemmFwd, gemmBwd, gemmFlops, castInputs, castOutputs, opsGemms, opsFlops;
        double outputInput = headsT * vDim; // the projection's input: the heads' values
        if (model.Mla is { } mla)
        {
            double qr = mla.QLoraRank, kvr = mla.KvLoraRank, rope = mla.QkRopeHeadDim, qUp = headsT * qkDim, kvUp = headsT * (mla.QkNopeHeadDim + vDim);
            double qIn = qr > 0 ? qr : h;
            gemmFwd = (qr > 0 ? GemmForward(tokens, qr, h) : 0) + GemmForward(tokens, qUp, qIn) + GemmForward(tokens, kvr + rope, h)
                    + GemmForward(tokens, kvUp, kvr) + GemmForward(tokens, h, outputInput);
            gemmBwd = (qr > 0 ? GemmBackward(tokens, qr, h) : 0) + GemmBackward(tokens, qUp, qIn) + GemmBackward(tokens, kvr + rope, h)
                    + GemmBackward(tokens, kvUp, kvr) + GemmBackward(tokens, h, outputInput);
            gemmFlops = 2 * tokens * ((qr > 0 ? h * qr : 0) + qIn * qUp + h * (kvr + rope) + kvr * kvUp + outputInput * h);
            castInputs = tokens * (h + (qr > 0 ? qr : 0) + kvr + outputInput);
            castOutputs = tokens * ((qr > 0 ? qr : 0) + qUp + kvr + rope + kvUp + h);
            // Every second matmul in forward order (q down, q up, kv down, kv up, output): the two up-projections.
            opsGemms = GemmForward(tokens, qUp, qIn) + GemmForward(tokens, kvUp, kvr);
            opsFlops = 2 * tokens * (qIn * qUp + kvr * kvUp);
        }
        else
        {
            gemmFwd = GemmForward(tokens, qkvColumns, h) + GemmForward(tokens, h, outputInput);
            gemmBwd = GemmBackward(tokens, qkvColumns, h) + GemmBackward(tokens, h, outputInput);
            gemmFlops = 2 * tokens * h * (qkvColumns + outputInput);
            castInputs = tokens * (h + outputInput);
            castOutputs = tokens * (qkvColumns + h);
            // Every second matmul in forward order (q, k, v, o): k and o.
            opsGemms = GemmForward(tokens, kvHeadsT * hd, h) + GemmForward(tokens, h, outputInput);
            opsFlops = 2 * tokens * h * (kvHeadsT * hd + outputInput);
        }
        var (memoryFwd, memoryBwd) = NormAndResidual();
        if (model.Mla is { } latent)
        {
            // MLA's RMSNorms on the query and key/value latents, read x write y (backward read x, dy, write dx).
            double latents = tokens * (latent.QLoraRank + latent.KvLoraRank);
            memoryFwd += timer.Memory(2 * e * latents, MemoryKernel.Normalization);
            memoryBwd += timer.Memory(3 * e * latents, MemoryKernel.NormalizationBackward);
        }
        if (model.Positions == PositionEmbedding.Rotary)
        {
            // Rotate q and k; MLA rotates only its rope part, and its one shared rope key (DeepSeek-V2 §2.1.3).
            double rotated = model.Mla is { } m ? headsT * m.QkRopeHeadDim + m.QkRopeHeadDim : (headsT + kvHeadsT) * hd;
            double ropeBytes = recipe.Rotary.At(e) * tokens * rotated;
            memoryFwd += timer.Memory(ropeBytes, MemoryKernel.Elementwise, recipe.RotaryKernels);
            memoryBwd += timer.Memory(ropeBytes, MemoryKernel.Elementwise, recipe.RotaryKernels);
        }
        // Eager attention plumbing: keys and values repeated to the query heads, the output transposed into a contiguous copy.
        double plumbing = recipe.AttentionLayout.At(e) * tokens * headsT * hd
                        + (recipe.RepeatsKeyValues && kvHeadsT < headsT ? 2 * e * tokens * (kvHeadsT + headsT) * hd : 0);
        if (plumbing > 0)
        {
            memoryFwd += timer.Memory(plumbing, MemoryKernel.Copy, 3);
            memoryBwd += timer.Memory(plumbing, MemoryKernel.Copy, 3);
        }
        double biasBytes = model.Biases ? e * (tokens * qkvColumns + normTokens * h) : 0; // the row-parallel bias is added after g, on normTokens positions
        return new Sublayer(gemmFwd, gemmBwd, memoryFwd, memoryBwd, gemmFlops, biasBytes, castInputs, castOutputs, opsGemms, opsFlops,
            TensorExchanges: 1, ExpertForward: 0, ExpertBackward: 0, HostOperators: recipe.HostOperatorsPerBlock);
    }

    /// <summary>The dense MLP with its norm and residual: column-parallel up (and gate), the activation, row-parallel down.</summary>
    private Sublayer DenseFfn()
    {
        double gemmFwd = GemmForward(tokens, mlpUpColumns, h) + GemmForward(tokens, h, ffnT);
        double gemmBwd = GemmBackward(tokens, mlpUpColumns, h) + GemmBackward(tokens, h, ffnT);
        var (memoryFwd, memoryBwd) = NormAndResidual();
        // MLP activation: GeLU reads 1 writes 1 (backward reads 2 writes 1); SwiGLU as the recipe runs it.
        memoryFwd += model.GatedMlp ? timer.Memory(recipe.SwigluForward.At(e) * tokens * ffnT, MemoryKernel.Activation, recipe.SwigluKernels)
                                    : timer.Memory(2 * e * tokens * ffnT, MemoryKernel.Activation);
        memoryBwd += model.GatedMlp ? timer.Memory(recipe.SwigluBackward.At(e) * tokens * ffnT, MemoryKernel.ActivationBackward, recipe.SwigluKernels)
                                    : timer.Memory(3 * e * tokens * ffnT, MemoryKernel.ActivationBackward);
        // Every second matmul in forward order (up, gate, down): the gate, or the down projection without a gate.
        double opsGemms = model.GatedMlp ? GemmForward(tokens, ffnT, h) : GemmForward(tokens, h, ffnT);
        double biasBytes = model.Biases ? e * (tokens * mlpUpColumns + normTokens * h) : 0;
        return new Sublayer(gemmFwd, gemmBwd, memoryFwd, memoryBwd, 2 * tokens * h * (mlpUpColumns + ffnT), biasBytes,
            CastInputs: tokens * (h + ffnT), CastOutputGradients: tokens * (mlpUpColumns + h), opsGemms, OpsRecomputeFlops: 2 * tokens * h * ffnT,
            TensorExchanges: 1, ExpertForward: 0, ExpertBackward: 0, HostOperators: 0);
    }

    /// <summary>
    /// fp8 GEMMs take their operands in float8 with dynamic scaling: each activation input is reduced to its absolute maximum and
    /// cast (read e bytes, write 1) before the forward GEMMs that share it, and each output gradient, and a transposed copy of each
    /// fp8 operand for the other backward GEMM, before the backward (pytorch/ao torchao/float8 README, Float8Linear with dynamic
    /// tensorwise scaling; NVIDIA Transformer Engine "FP8 primer" casts the same tensors). Weights are small beside activations
    /// at training token counts and are left out.
    /// </summary>
    private (double Forward, double Backward) Fp8Casts(double inputs, double outputGradients)
    {
        if (precision != Precision.Fp8) return (0, 0);
        double forward = timer.Memory((e + 1) * inputs, MemoryKernel.Elementwise, 4);
        double backward = timer.Memory((e + 1) * outputGradients + 2 * inputs, MemoryKernel.Elementwise, 8);
        return (forward, backward);
    }

    /// <summary>
    /// The norm before a half and the residual add after it, forward and backward. A fused norm (and LayerNorm everywhere) reads x
    /// and writes y, its backward reads x and dy and writes dx; eager RMSNorm is a composite. The residual add has bias and dropout
    /// fused (Megatron's bias_dropout_add): read two, write one, plus a 1-byte mask.
    /// </summary>
    public (double Forward, double Backward) NormAndResidual()
    {
        bool composite = model.Norm == NormKind.RmsNorm;
        var normForward = composite ? recipe.RmsNormForward : new PassBytes(2);
        var normBackward = composite ? recipe.RmsNormBackward : new PassBytes(3);
        double residualBytes = (3 * e + (model.Dropout ? 1 : 0)) * normTokens * h;
        double fwd = timer.Memory(normForward.At(e) * normTokens * h, MemoryKernel.Normalization, composite ? recipe.RmsNormForwardKernels : 1)
                   + timer.Memory(residualBytes);
        double bwd = timer.Memory(normBackward.At(e) * normTokens * h, MemoryKernel.NormalizationBackward, composite ? recipe.RmsNormBackwardKernels : 1)
                   + timer.Memory(residualBytes);
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
        double flops = 2 * batch * s * fullSeq * (qkDim + vDim); // QKᵀ and PV, the s² terms (Narayanan et al. SC21, eq. 3: 4·s²·h with qk = v = h/a)
        if (flash)
        {
            // FlashAttention skips fully masked tiles under a causal mask (half the work) and its backward does 5 GEMMs to the forward's 2 (Dao 2023, §3.1).
            double forwardTime = timer.FusedAttention(0.5 * flops, s, backward: false);
            return (forwardTime, timer.FusedAttention(1.25 * flops, s, backward: true), flops);
        }
        double scores = batch * s * fullSeq;
        double fwd = timer.Gemm(s, fullSeq, qkDim, batch, e) + timer.Memory(2 * e * scores, MemoryKernel.Softmax) + timer.Gemm(s, vDim, fullSeq, batch, e);
        double bwd = timer.Gemm(s, qkDim, fullSeq, batch, e) + timer.Gemm(fullSeq, qkDim, s, batch, e)  // dQ, dK
                   + timer.Gemm(s, fullSeq, vDim, batch, e) + timer.Gemm(fullSeq, vDim, s, batch, e)  // dP, dV
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

    private double GemmForward(double m, double n, double k) => timer.LinearForward(m, n, k, e);

    private double GemmBackward(double m, double n, double k) => timer.LinearBackward(m, n, k, e);
}
