using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// The feed-forward half of an MoE block on one device for one micro-batch, as Megatron-Core runs it (megatron/core/transformer/moe,
/// MoE Parallel Folding, Liu et al. 2025): the router scores the rank's tokens (its sequence-parallel share when tp &gt; 1), the
/// top-k assignments are permuted into expert order, dispatched to the expert ranks (all-to-all over the ep group, then gathered
/// over etp), computed by grouped GEMMs, one per local expert at its own token count, and combined back; shared experts run as a
/// dense tensor-parallel MLP beside them. The busiest rank's tokens (<see cref="MoeSpec.BusiestExpertShare"/>) set the expert
/// GEMMs' and the dispatch's time; model FLOPs count the mean.
/// </summary>
public sealed class MoeFfnCosts
{
    /// <summary>
    /// Operators an MoE layer's forward issues beyond a dense MLP's, counted in Megatron-Core 0.13's MoELayer.forward with the
    /// all-to-all dispatcher: router GEMM, score function, top-k, probability gather and normalisation, expert-bias add, aux-loss
    /// terms (4), tokens-per-expert histogram and its host copy, permute, count exchange, dispatch, grouped GEMMs (2), activation,
    /// combine, unpermute, and the shared expert's three. About 20.
    /// </summary>
    public const int ExtraHostOperators = 20;

    private readonly ModelSpec model;
    private readonly MoeSpec moe;
    private readonly TrainingSpec training;
    private readonly KernelTimer timer;
    private readonly KernelRecipe recipe;
    private readonly GroupLink expertLink, expertTensorLink, gatherLink;
    private readonly int e;
    private readonly double h, t, tokens, routedTokens, localExperts, etp;

    /// <param name="tokens">Tokens of the micro-batch on this tensor group (b·s/cp), what a tensor-parallel GEMM sees.</param>
    /// <param name="routedTokens">Tokens this rank routes: its sequence-parallel share when tp &gt; 1.</param>
    public MoeFfnCosts(ModelSpec model, TrainingSpec training, in Layout layout, KernelTimer timer, KernelRecipe recipe, double tokens, double routedTokens,
        in GroupLink expertLink, in GroupLink expertTensorLink, in GroupLink gatherLink)
    {
        this.model = model;
        moe = model.Moe ?? throw new ArgumentException("the model has no MoE layers", nameof(model));
        this.training = training;
        this.timer = timer;
        this.recipe = recipe;
        this.expertLink = expertLink;
        this.expertTensorLink = expertTensorLink;
        this.gatherLink = gatherLink;
        e = layout.Precision.ActivationBytes();
        h = model.Hidden;
        t = layout.Tp;
        etp = layout.Etp;
        this.tokens = tokens;
        this.routedTokens = routedTokens;
        localExperts = (double)moe.Experts / layout.Ep;
    }

    /// <summary>Token copies this rank sends to experts: each routed token goes to top-k of them (Shazeer et al. 2017).</summary>
    public double Assignments => routedTokens * moe.TopK;

    /// <summary>Token copies the busiest rank's experts compute: its ep·etp group's assignments over its share of the experts, gathered over etp.</summary>
    public double ReceivedTokens => Assignments * etp * moe.BusiestExpertShare;

    /// <summary>The MoE half of a block, with the norm and residual the block puts around it.</summary>
    public Sublayer Ffn((double Forward, double Backward) normAndResidual)
    {
        var (normForward, normBackward) = normAndResidual;
        double f = moe.ExpertFfnHidden, upColumns = (model.GatedMlp ? 2 : 1) * f / etp, downInner = f / etp;
        double received = ReceivedTokens, perExpert = received / localExperts, meanReceived = Assignments * etp;

        // Router: [T×h]·[h×E] (replicated on every rank), then the score function, top-k and normalisation over fp32 scores.
        double gemmFwd = timer.LinearForward(routedTokens, moe.Experts, h, e);
        double gemmBwd = timer.LinearBackward(routedTokens, moe.Experts, h, e);
        double scoreBytes = 4.0 * routedTokens * moe.Experts;
        double memoryFwd = normForward + timer.Memory(3 * scoreBytes, MemoryKernel.Softmax, 3);
        double memoryBwd = normBackward + timer.Memory(3 * scoreBytes, MemoryKernel.SoftmaxBackward, 3);

        // Grouped expert GEMMs: localExperts products of perExpert tokens each (Megatron-Core GroupedMLP / TEGroupedLinear).
        gemmFwd += timer.LinearForward(perExpert, upColumns, h, e, localExperts) + timer.LinearForward(perExpert, h, downInner, e, localExperts);
        gemmBwd += timer.LinearBackward(perExpert, upColumns, h, e, localExperts) + timer.LinearBackward(perExpert, h, downInner, e, localExperts);
        double expertElements = received * downInner;
        memoryFwd += model.GatedMlp ? timer.Memory(recipe.SwigluForward.At(e) * expertElements, MemoryKernel.Activation, recipe.SwigluKernels)
                                    : timer.Memory(2 * e * expertElements, MemoryKernel.Activation);
        memoryBwd += model.GatedMlp ? timer.Memory(recipe.SwigluBackward.At(e) * expertElements, MemoryKernel.ActivationBackward, recipe.SwigluKernels)
                                    : timer.Memory(3 * e * expertElements, MemoryKernel.ActivationBackward);

        // Permute: read the rank's tokens, write one copy per assignment; unpermute reads the copies and writes their weighted sum
        // (Megatron-Core moe_utils permute/unpermute, the fused kernels move the same bytes). The backward mirrors both.
        double permuteBytes = (routedTokens + Assignments) * h * e;
        memoryFwd += 2 * timer.Memory(permuteBytes, MemoryKernel.Copy);
        memoryBwd += 2 * timer.Memory(permuteBytes, MemoryKernel.Copy);

        double flops = 2 * routedTokens * h * moe.Experts + 2 * meanReceived * h * (upColumns + downInner);
        // Every second expert matmul in forward order (up, gate, down): the gate, or the down projection without a gate.
        double opsGemms = model.GatedMlp ? timer.LinearForward(perExpert, f / etp, h, e, localExperts) : timer.LinearForward(perExpert, h, downInner, e, localExperts);
        double opsFlops = 2 * meanReceived * h * (model.GatedMlp ? f / etp : downInner);
        double castInputs = received * (h + downInner), castOutputs = received * (upColumns + h);

        if (moe.SharedExperts > 0)
        {
            // Shared experts: a dense MLP of sharedExperts × expert width, column- then row-parallel over tp like the dense one.
            double sharedT = moe.SharedExperts * f / t, sharedUp = (model.GatedMlp ? 2 : 1) * sharedT;
            gemmFwd += timer.LinearForward(tokens, sharedUp, h, e) + timer.LinearForward(tokens, h, sharedT, e);
            gemmBwd += timer.LinearBackward(tokens, sharedUp, h, e) + timer.LinearBackward(tokens, h, sharedT, e);
            memoryFwd += model.GatedMlp ? timer.Memory(recipe.SwigluForward.At(e) * tokens * sharedT, MemoryKernel.Activation, recipe.SwigluKernels)
                                        : timer.Memory(2 * e * tokens * sharedT, MemoryKernel.Activation);
            memoryBwd += model.GatedMlp ? timer.Memory(recipe.SwigluBackward.At(e) * tokens * sharedT, MemoryKernel.ActivationBackward, recipe.SwigluKernels)
                                        : timer.Memory(3 * e * tokens * sharedT, MemoryKernel.ActivationBackward);
            flops += 2 * tokens * h * (sharedUp + sharedT);
            opsGemms += model.GatedMlp ? timer.LinearForward(tokens, sharedT, h, e) : timer.LinearForward(tokens, h, sharedT, e);
            opsFlops += 2 * tokens * h * sharedT;
            castInputs += tokens * (h + sharedT);
            castOutputs += tokens * (sharedUp + h);
        }
        double dispatch = DispatchAndCombine();
        double biasBytes = model.Biases ? e * (received * upColumns + received * h) : 0;
        return new Sublayer(gemmFwd, gemmBwd, memoryFwd, memoryBwd, flops, biasBytes, castInputs, castOutputs, opsGemms, opsFlops,
            TensorExchanges: moe.SharedExperts > 0 ? 1 : 0, ExpertForward: dispatch, ExpertBackward: dispatch,
            HostOperators: ExtraHostOperators);
    }

    /// <summary>
    /// One direction's token traffic: dispatch then combine (the backward sends the gradients the same way). All-to-all: each rank
    /// sends its assignments over the ep group, then gathers them over etp, and back (Megatron-Core MoEAlltoAllTokenDispatcher);
    /// the busiest rank receives imbalance × the mean. All-gather: every rank of the ep·etp group gathers the group's tokens and
    /// reduce-scatters the outputs (MoEAllGatherTokenDispatcher).
    /// </summary>
    private double DispatchAndCombine()
    {
        double tokenBytes = h * e;
        if (training.MoeDispatcher == MoeDispatcher.AllGather)
        {
            double gathered = routedTokens * gatherLink.Size * tokenBytes;
            return gatherLink.AllGather(gathered) + gatherLink.ReduceScatter(gathered);
        }
        double sent = Assignments * moe.BusiestExpertShare * tokenBytes;
        double toExperts = expertLink.AllToAll(sent) + expertTensorLink.AllGather(sent * etp);
        double back = expertTensorLink.ReduceScatter(sent * etp) + expertLink.AllToAll(sent);
        return toExperts + back;
    }
}
