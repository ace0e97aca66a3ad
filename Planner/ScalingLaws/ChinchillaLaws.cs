using ScalePlanner.Reports;

namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// A published fit of L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022, eq. 2); the compute-optimal split is the minimum
/// of L along C = 6ND (<see cref="ScalingLawFit.Optimal(IScalingForm, double[], double)"/>), which for this form is
/// Hoffmann et al.'s eq. 4, N = G·(C/6)^(β/(α+β)) with G = (αA/(βB))^(1/(α+β)).
/// </summary>
public abstract class ChinchillaLaw : PublishedLaw
{
    protected abstract (double E, double A, double B, double Alpha, double Beta) Values { get; }

    public override string Formula => "L(N, D) = E + A/N^α + B/D^β, N all parameters, D training tokens";

    public override (double Parameters, double Tokens, double Loss) Optimal(double budget)
    {
        var v = Values;
        return ScalingLawFit.Optimal(new ChinchillaForm(), ChinchillaForm.Theta(v.E, v.A, v.B, v.Alpha, v.Beta), budget);
    }
}

/// <summary>
/// Hoffmann et al. 2022 ("Chinchilla"), Approach 3, eq. 10. The paper's body prints E = 1.69, A = 406.4, B = 410.7,
/// α = 0.34, β = 0.28; its TeX source holds E = 1.6934, α = 0.3392, β = 0.2849 (Besiroglu et al. 2024, §2, who show the
/// rounding moves the allocation a lot). The unrounded values are used: at Gopher's budget, 5.76e23 FLOPs, they give the
/// 40B parameters the paper reports for Approach 3, where the rounded ones give 32B.
/// </summary>
public sealed class Hoffmann2022 : ChinchillaLaw
{
    public override string Key => "hoffmann2022";
    public override string Citation => "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models (arXiv 2203.15556), Approach 3, eq. 10";
    public override string Note => "E, α and β as in the paper's TeX source; the body prints them rounded (1.69, 0.34, 0.28), which moves the allocation";

    protected override (double E, double A, double B, double Alpha, double Beta) Values => (1.6934, 406.4, 410.7, 0.3392, 0.2849);

    public override IReadOnlyList<PublishedLawReport.Parameter> Parameters =>
    [
        new("E", 1.6934, null, "TeX source (body: 1.69)"), new("A", 406.4, null, "eq. 10"), new("B", 410.7, null, "eq. 10"),
        new("alpha", 0.3392, null, "TeX source (body: 0.34)"), new("beta", 0.2849, null, "TeX source (body: 0.28)"),
    ];

    /// <summary>Every corner of the box the printed values round from (E 1.69, A 406.4, B 410.7, α 0.34, β 0.28, each ± half its last digit).</summary>
    public override (double Low, double High)? RoundingRange(double budget)
    {
        var form = new ChinchillaForm();
        var ns = new List<double>();
        foreach (double e in new[] { 1.685, 1.695 })
        foreach (double a in new[] { 406.35, 406.45 })
        foreach (double b in new[] { 410.65, 410.75 })
        foreach (double alpha in new[] { 0.335, 0.345 })
        foreach (double beta in new[] { 0.275, 0.285 })
            ns.Add(ScalingLawFit.Optimal(form, ChinchillaForm.Theta(e, a, b, alpha, beta), budget).Parameters);
        return (ns.Min(), ns.Max());
    }
}

/// <summary>
/// Besiroglu, Erdil, Barnett and You 2024, "Chinchilla Scaling: A replication attempt" (arXiv 2404.10102), Table 1: the
/// Approach-3 law refitted to Hoffmann et al.'s data reconstructed from their Figure 4 (standard errors in parentheses there).
/// </summary>
public sealed class Besiroglu2024 : ChinchillaLaw
{
    public override string Key => "besiroglu2024";
    public override string Citation => "Besiroglu et al. 2024, Chinchilla Scaling: A replication attempt (arXiv 2404.10102), Table 1";
    public override string Note => "a refit of Hoffmann et al.'s Approach 3 to their reconstructed data; consistent with their Approaches 1 and 2";

    protected override (double E, double A, double B, double Alpha, double Beta) Values => (1.8172, 482.01, 2085.43, 0.3478, 0.3658);

    public override IReadOnlyList<PublishedLawReport.Parameter> Parameters =>
    [
        new("E", 1.8172, 0.03, "Table 1"), new("A", 482.01, 124.58, "Table 1"), new("B", 2085.43, 1293.23, "Table 1"),
        new("alpha", 0.3478, 0.02, "Table 1"), new("beta", 0.3658, 0.02, "Table 1"),
    ];
}
