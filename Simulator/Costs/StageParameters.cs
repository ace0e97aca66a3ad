using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Parameters held by one device of the first, a middle and the last pipeline stage under tensor parallelism (matrices and
/// the vocabulary split tp ways). The embedding sits on the first stage and the output layer on the last; with tied
/// embeddings and pp &gt; 1 the last stage keeps a copy of the word embedding (Megatron-LM, Shoeybi et al. 2019 §3). With pp ≤ 2
/// there is no middle stage and Middle is 0; with pp = 1 all three are the one stage.
/// </summary>
public readonly record struct StageParameters(double First, double Middle, double Last)
{
    public double Largest => Math.Max(First, Math.Max(Middle, Last));

    public static StageParameters Of(ModelSpec model, Layout layout) => Of(model, layout, layout.Stages(model));

    public static StageParameters Of(ModelSpec model, in Layout layout, in StageSplit split)
    {
        double block = (double)model.BlockParameters / layout.Tp;
        var (embedding, head) = Ends(model, layout);
        return layout.Pp == 1
            ? new StageParameters(split.First * block + embedding + head, split.First * block + embedding + head, split.First * block + embedding + head)
            : new StageParameters(split.First * block + embedding, split.Middle * block, split.Last * block + head);
    }

    /// <summary>Parameters of one model chunk (virtual stage k of pp·vp, Narayanan et al. SC21 §2.2.2) on one device.</summary>
    public static double Chunk(ModelSpec model, Layout layout, int virtualStage)
    {
        int chunks = layout.Pp * layout.Vp;
        double parameters = (double)layout.Stages(model).InChunk(virtualStage) * model.BlockParameters / layout.Tp;
        var (embedding, head) = Ends(model, layout);
        if (virtualStage == 0) parameters += embedding;
        if (virtualStage == chunks - 1) parameters += head;
        return parameters;
    }

    /// <summary>The embedding's and the output head's parameters on one tensor-parallel rank.</summary>
    private static (double Embedding, double Head) Ends(ModelSpec model, Layout layout)
    {
        double t = layout.Tp;
        double output = (double)(model.TiedEmbeddings && layout.Pp > 1 ? (long)model.Vocab * model.Hidden : model.OutputParameters) / t;
        return (model.EmbeddingParameters / t, output + model.NormParameters);
    }
}
