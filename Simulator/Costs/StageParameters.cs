using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Parameters held by one device of the first, a middle and the last pipeline stage: those split over the tensor-parallel
/// ranks (matrices and the vocabulary split tp ways) and, in MoE layers, the routed experts split over ep·etp ranks. The
/// embedding sits on the first stage and the output layer on the last; with tied embeddings and pp &gt; 1 the last stage keeps a
/// copy of the word embedding (Megatron-LM, Shoeybi et al. 2019 §3), and the multi-token-prediction modules sit there too
/// (DeepSeek-V3 §2.2). With pp ≤ 2 there is no middle stage and Middle is 0; with pp = 1 all three are the one stage.
/// </summary>
/// <param name="First">Non-expert parameters of the first stage (shared by its dp·cp ranks).</param>
/// <param name="ExpertFirst">Routed-expert parameters of the first stage (shared by its expert data-parallel ranks).</param>
public readonly record struct StageParameters(double First, double Middle, double Last, double ExpertFirst = 0, double ExpertMiddle = 0, double ExpertLast = 0)
{
    /// <summary>The most non-expert parameters any stage holds.</summary>
    public double Largest => Math.Max(First, Math.Max(Middle, Last));

    /// <summary>The most routed-expert parameters any stage holds.</summary>
    public double LargestExperts => Math.Max(ExpertFirst, Math.Max(ExpertMiddle, ExpertLast));

    public static StageParameters Of(ModelSpec model, Layout layout)
    {
        var split = layout.Stages(model);
        return Of(model, layout, StageKinds.Of(model, split));
    }

    public static StageParameters Of(ModelSpec model, in Layout layout, in StageKinds kinds)
    {
        var (embedding, head) = Ends(model, layout);
        var (mtp, mtpExperts) = MultiTokenPrediction(model, layout);
        double first = Shared(model, layout, kinds.First), middle = Shared(model, layout, kinds.Middle), last = Shared(model, layout, kinds.Last);
        double expertFirst = Experts(model, layout, kinds.First), expertMiddle = Experts(model, layout, kinds.Middle), expertLast = Experts(model, layout, kinds.Last);
        if (layout.Pp == 1)
        {
            double all = first + embedding + head + mtp, experts = expertFirst + mtpExperts;
            return new StageParameters(all, all, all, experts, experts, experts);
        }
        return new StageParameters(first + embedding, middle, last + head + mtp, expertFirst, expertMiddle, expertLast + mtpExperts);
    }

    /// <summary>Parameters of one model chunk (virtual stage k of pp·vp, Narayanan et al. SC21 §2.2.2) on one device, experts included.</summary>
    public static double Chunk(ModelSpec model, Layout layout, int virtualStage)
    {
        int chunks = layout.Pp * layout.Vp;
        var layers = StageLayers.OfChunk(model, layout.Stages(model), virtualStage);
        double parameters = Shared(model, layout, layers) + Experts(model, layout, layers);
        var (embedding, head) = Ends(model, layout);
        if (virtualStage == 0) parameters += embedding;
        if (virtualStage == chunks - 1)
        {
            var (mtp, mtpExperts) = MultiTokenPrediction(model, layout);
            parameters += head + mtp + mtpExperts;
        }
        return parameters;
    }

    // Dense blocks and the non-expert part of MoE blocks (attention, norms, router, shared experts), split over tp.
    private static double Shared(ModelSpec model, in Layout layout, StageLayers layers) =>
        (layers.Dense * (double)model.BlockParameters + layers.Moe * (double)model.MoeNonExpertParameters) / layout.Tp;

    // Routed experts: E/ep experts per rank, each split etp ways (Megatron-Core expert parallelism and expert tensor parallelism).
    private static double Experts(ModelSpec model, in Layout layout, StageLayers layers) =>
        layers.Moe * (double)model.RoutedExpertParameters / (layout.Ep * layout.Etp);

    /// <summary>
    /// DeepSeek-V3's multi-token-prediction modules (§2.2): each a block of the model's last kind, a projection from the two
    /// normed streams (2h → h) and two norms; the embedding and the output head are shared with the main model.
    /// </summary>
    private static (double Shared, double Experts) MultiTokenPrediction(ModelSpec model, in Layout layout)
    {
        if (model.MtpLayers == 0) return (0, 0);
        var block = StageLayers.Range(model, model.Layers - 1, 1);
        double projection = 2.0 * model.Hidden * model.Hidden + 2.0 * model.NormParameters;
        return (model.MtpLayers * (Shared(model, layout, block) + projection / layout.Tp), model.MtpLayers * Experts(model, layout, block));
    }

    /// <summary>The embedding's and the output head's parameters on one tensor-parallel rank.</summary>
    private static (double Embedding, double Head) Ends(ModelSpec model, Layout layout)
    {
        double t = layout.Tp;
        double output = (double)(model.TiedEmbeddings && layout.Pp > 1 ? (long)model.Vocab * model.Hidden : model.OutputParameters) / t;
        return (model.EmbeddingParameters / t, output + model.NormParameters);
    }
}
