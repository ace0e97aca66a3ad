namespace ScalePlanner.Executor.Training;

/// <summary>
/// Linear warm-up to the peak, then cosine decay to a floor (Loshchilov &amp; Hutter 2017, eq. 5; GPT-3 decays to 10 % of the
/// peak, Brown et al. 2020, App. B).
/// </summary>
public sealed record LearningRateSchedule(double Peak, int WarmupSteps, int TotalSteps, double FloorRatio = 0.1)
{
    public double At(int step)
    {
        if (step < WarmupSteps) return Peak * (step + 1) / WarmupSteps;
        double progress = Math.Min(1, (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps));
        double floor = Peak * FloorRatio;
        return floor + 0.5 * (Peak - floor) * (1 + Math.Cos(Math.PI * progress));
    }
}
