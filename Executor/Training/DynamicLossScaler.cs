namespace ScalePlanner.Executor.Training;

/// <summary>
/// Dynamic loss scaling for fp16 (Micikevicius et al. 2018, §3.2): the loss is multiplied by S before backward so small
/// gradients survive fp16's narrow range, and the gradients are divided by S before the update. A step whose gradients
/// overflowed (Inf/NaN) is skipped and S halves; after <see cref="GrowthInterval"/> good steps in a row S doubles. Defaults are
/// PyTorch's torch.cuda.amp.GradScaler: init_scale 2^16, growth_factor 2, backoff_factor 0.5, growth_interval 2000.
/// </summary>
public sealed class DynamicLossScaler(double initialScale = 65536, int growthInterval = 2000)
{
    /// <summary>GradScaler's backoff_factor and growth_factor.</summary>
    private const double Backoff = 0.5, Growth = 2.0;

    public double Scale { get; private set; } = initialScale > 0 ? initialScale : throw new ArgumentOutOfRangeException(nameof(initialScale), "the loss scale must be positive");

    public int GrowthInterval { get; } = growthInterval > 0 ? growthInterval : throw new ArgumentOutOfRangeException(nameof(growthInterval), "the growth interval must be positive");

    /// <summary>Good steps since the scale last changed.</summary>
    public int GoodSteps { get; private set; }

    /// <summary>Records whether this step's gradients were finite and moves the scale accordingly.</summary>
    public void Update(bool finite)
    {
        if (!finite)
        {
            Scale *= Backoff;
            GoodSteps = 0;
            return;
        }
        if (++GoodSteps < GrowthInterval) return;
        Scale *= Growth;
        GoodSteps = 0;
    }

    /// <summary>Puts back a state taken from a checkpoint.</summary>
    public void Restore(double scale, int goodSteps)
    {
        Scale = scale;
        GoodSteps = goodSteps;
    }
}
