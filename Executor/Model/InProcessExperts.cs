using static TorchSharp.torch;

namespace ScalePlanner.Executor.Model;

/// <summary>Every expert in this process: the rows go straight to them.</summary>
public sealed class InProcessExperts(int experts) : IExpertDispatch
{
    public int LocalExperts { get; } = experts;

    public Tensor Run(Tensor rows, long[] perExpert, Func<Tensor, long[], Tensor> compute) => compute(rows, perExpert);
}
