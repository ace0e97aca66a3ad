namespace ScalePlanner.Calibration.Kernels;

/// <summary>One timed piece of a model (a block stack or an attention core): the step to repeat and the tensors and modules it owns.</summary>
public sealed class BlockRun(Action step, params IDisposable[] owned) : IDisposable
{
    public Action Step => step;

    public void Dispose()
    {
        foreach (var item in owned) item.Dispose();
    }
}
