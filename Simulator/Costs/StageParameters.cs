using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Parameters held by one device of the first, a middle and the last pipeline stage under tensor parallelism (matrices and
/// the vocabulary split tp ways). The embedding sits on the first stage and the output layer on the last; with tied
/// embeddings and pp &gt; 1 the last stage keeps a copy of the word embedding (Megatron-LM, Shoeybi et al. 2019 §3).
/// </summary>
public readonly record struct StageParameters(double First, double Middle, double Last)
{
    public double Largest => Math.Max(First, Math.Max(Middle, Last));

    public static StageParameters Of(ModelSpec model, Layout layout)
    {
        double t = layout.Tp;
        double blocks = (double)model.Layers / layout.Pp * model.BlockParameters / t;
        double embedding = model.EmbeddingParameters / t;
        double output = (double)(model.TiedEmbeddings && layout.Pp > 1 ? (long)model.Vocab * model.Hidden : model.OutputParameters) / t;
        double head = output + model.NormParameters;
        return layout.Pp == 1
            ? new StageParameters(blocks + embedding + head, blocks + embedding + head, blocks + embedding + head)
            : new StageParameters(blocks + embedding, blocks, blocks + head);
    }
}
