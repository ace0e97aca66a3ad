using static TorchSharp.torch;

namespace ScalePlanner.Executor.Model;

/// <summary>
/// Carries the routed token rows of an MoE layer to the experts that compute them and brings the results back (dispatch and
/// combine): in one process the rows stay where they are; under expert parallelism they travel to the rank holding their expert
/// (<see cref="Distributed.ExpertExchange"/>).
/// </summary>
public interface IExpertDispatch
{
    /// <summary>Experts this process computes: all of them, or its ep rank's share.</summary>
    int LocalExperts { get; }

    /// <summary>
    /// <paramref name="rows"/> (n, C), grouped by expert in expert order with <paramref name="perExpert"/> rows each (all experts),
    /// → the experts' outputs for them, same shape and order. <paramref name="compute"/> runs the local experts on rows grouped by
    /// local expert with the given counts.
    /// </summary>
    Tensor Run(Tensor rows, long[] perExpert, Func<Tensor, long[], Tensor> compute);
}
