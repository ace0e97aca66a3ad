using ScalePlanner.Simulator.Specs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Model;

/// <summary>
/// A mixture-of-experts feed-forward layer, dropless (every routed token is computed; no capacity factor). A linear router scores
/// the E routed experts per token; softmax over the scores, and each token goes to its top-k experts, whose outputs are summed
/// weighted by their router probabilities (Shazeer et al. 2017 eq. 1–3; Fedus et al. 2022 §2.1; GShard, Lepikhin et al. 2021,
/// top-2; Megatron-Core's default: softmax before top-k, no renormalisation). Each expert is an <see cref="Mlp"/> of width
/// model.moe.expertFfnHidden, without biases (Mixtral's and DeepSeek-V3's experts have none, and the cost model counts none:
/// ModelSpec.FfnParameters); the shared experts, which see every token, are one Mlp of sharedExperts × that width (DeepSeek-V3's
/// shared_experts: intermediate_size = moe_intermediate_size × n_shared_experts). The auxiliary load-balancing loss is attached
/// to the output (<see cref="AuxLossAttach"/>). The token-expert pairs are sorted by expert so each expert gets one contiguous
/// block of rows (Megatron-Core's permute), which <see cref="IExpertDispatch"/> carries to the experts and back.
/// </summary>
public sealed class MoeLayer : nn.Module<Tensor, Tensor>
{
    /// <summary>Names of the routed experts' parameters contain this; the rest of the model (router and shared expert included) is alike on every ep rank.</summary>
    public const string ExpertsPart = ".experts.";

    private readonly Linear router;
    private readonly ModuleList<Mlp> experts;
    private readonly Mlp? shared_expert;
    // Not modules: the run's shared routing state and how rows reach the experts.
    private readonly MoeRouting routing;
    private readonly IExpertDispatch dispatch;
    private readonly int layer, topK, routedExperts;
    private readonly double auxCoefficient;

    /// <param name="layer">Which MoE layer this is (0 for the model's first MoE layer), for the routing histogram.</param>
    public MoeLayer(ModelSpec model, MoeSpec moe, int layer, MoeRouting routing) : this(
        nn.Linear(model.Hidden, moe.Experts, hasBias: false),
        nn.ModuleList([.. Enumerable.Range(0, moe.Experts).Select(_ => new Mlp(model, moe.ExpertFfnHidden, biases: false))]),
        moe.SharedExperts > 0 ? new Mlp(model, moe.SharedExperts * moe.ExpertFfnHidden, biases: false) : null,
        moe, layer, routing, new InProcessExperts(moe.Experts))
    {
    }

    private MoeLayer(Linear router, ModuleList<Mlp> experts, Mlp? shared, MoeSpec moe, int layer, MoeRouting routing, IExpertDispatch dispatch) : base(nameof(MoeLayer))
    {
        this.router = router;
        this.experts = experts;
        shared_expert = shared;
        this.routing = routing;
        this.dispatch = dispatch;
        this.layer = layer;
        topK = moe.TopK;
        routedExperts = moe.Experts;
        auxCoefficient = moe.AuxLossCoefficient;
        Spec = moe;
        RegisterComponents();
    }

    public MoeSpec Spec { get; }

    /// <summary>
    /// This layer as one ep rank holds it: the same router and shared expert, the <paramref name="dispatch"/>.LocalExperts routed
    /// experts from <paramref name="firstExpert"/> on (the same modules, so the weights are the one-process ones), and rows carried
    /// by <paramref name="dispatch"/>.
    /// </summary>
    public MoeLayer Local(IExpertDispatch dispatch, int firstExpert) =>
        new(router, nn.ModuleList([.. experts.Skip(firstExpert).Take(dispatch.LocalExperts)]), shared_expert, Spec, layer, routing, dispatch);

    /// <summary>(B, T, C) → (B, T, C).</summary>
    public override Tensor forward(Tensor x)
    {
        long c = x.shape[2];
        var tokens = x.reshape(-1, c);                                                       // (N, C)
        var probabilities = nn.functional.softmax(router.forward(tokens).to(float32), -1);  // (N, E), router in fp32
        var (gates, chosen) = probabilities.topk(topK, dim: -1);                             // (N, k) each
        var assigned = chosen.flatten();                                                     // (N·k): expert of each token-expert pair
        long pairs = assigned.shape[0];
        var order = (assigned * pairs + arange(pairs, device: x.device)).argsort();         // pairs grouped by expert, each in token order
        var token = order.div(topK, rounding_mode: RoundingMode.floor);                      // the token of each pair, in that order
        long[] perExpert = assigned.bincount(null, routedExperts).data<long>().ToArray();
        routing.Record(layer, perExpert);
        var outputs = dispatch.Run(tokens.index_select(0, token), perExpert, Compute);     // (N·k, C) in expert order
        var weighted = outputs * gates.flatten().index_select(0, order).unsqueeze(1).to(x.dtype);
        var y = zeros_like(tokens).index_add(0, token, weighted, 1);                            // Σ over a token's k experts
        if (shared_expert is not null) y = y + shared_expert.forward(tokens);
        if (auxCoefficient > 0) y = AuxLossAttach.Apply(y, LoadBalancingLoss(probabilities, perExpert, auxCoefficient), routing);
        return y.view(x.shape);
    }

    /// <summary>
    /// Switch Transformer's load-balancing loss (Fedus et al. 2022, eq. 4–6) with top-k counts as GShard and Megatron-Core's
    /// switch_load_balancing_loss_func take them: α·E·Σᵢ fᵢ·Pᵢ, fᵢ = tokens routed to expert i / (N·k), Pᵢ = mean router
    /// probability of expert i over the N tokens; α when the load is even. Over this process's micro-batch of tokens.
    /// </summary>
    /// <param name="probabilities">(N, E) router probabilities.</param>
    /// <param name="perExpert">Token-expert pairs routed to each of the E experts (N·k in all).</param>
    public static Tensor LoadBalancingLoss(Tensor probabilities, long[] perExpert, double coefficient)
    {
        double pairs = perExpert.Sum();
        var fraction = tensor(perExpert.Select(n => (float)(n / pairs)).ToArray(), device: probabilities.device);
        return (fraction * probabilities.mean([0])).sum() * (coefficient * perExpert.Length);
    }

    /// <summary>The local experts on their rows: <paramref name="rows"/> (n, C) in blocks of <paramref name="perExpert"/> rows, one per local expert.</summary>
    private Tensor Compute(Tensor rows, long[] perExpert)
    {
        // Every expert runs, on no rows if it got none, so each has a gradient (of zeros) after backward.
        var blocks = rows.split(perExpert, 0);
        return cat([.. blocks.Select((block, e) => experts[e].forward(block))], 0);
    }

    /// <summary>Whether the parameter named <paramref name="name"/> belongs to a routed expert.</summary>
    public static bool IsExpertParameter(string name) => name.Contains(ExpertsPart, StringComparison.Ordinal);
}
