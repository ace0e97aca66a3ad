namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Where a pass's tensor-, context- and expert-parallel communication (<see cref="PassCost.TensorComm"/>,
/// <see cref="PassCost.ContextComm"/>, <see cref="PassCost.ExpertComm"/>) falls: the part in the forward, the part a full
/// recomputation repeats; the backward has the rest. Kept apart from <see cref="PassCost"/>, which the search's inner loop adds
/// and scales millions of times and which needs only the totals.
/// </summary>
public readonly record struct CommSplit(double ForwardTensorComm, double RecomputeTensorComm, double ForwardContextComm, double ForwardExpertComm = 0, double RecomputeExpertComm = 0)
{
    public static CommSplit operator *(double k, CommSplit s) =>
        new(k * s.ForwardTensorComm, k * s.RecomputeTensorComm, k * s.ForwardContextComm, k * s.ForwardExpertComm, k * s.RecomputeExpertComm);

    public static CommSplit operator +(CommSplit a, CommSplit b) =>
        new(a.ForwardTensorComm + b.ForwardTensorComm, a.RecomputeTensorComm + b.RecomputeTensorComm, a.ForwardContextComm + b.ForwardContextComm,
            a.ForwardExpertComm + b.ForwardExpertComm, a.RecomputeExpertComm + b.RecomputeExpertComm);
}
