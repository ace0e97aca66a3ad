using ScalePlanner.Reports;

namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// Kaplan et al. 2020, "Scaling Laws for Neural Language Models" (arXiv 2001.08361). The compute-efficient split is their
/// eq. 6.7: trained at the critical batch size (C = 2·C_min) for one epoch, D = 4·10¹⁰ tokens · (C_min / PF-day)^0.26 and
/// N = C / 6D, so N grows as C^0.74 (their measured eq. 6.1: C_min^0.73). The loss is their eq. 1.5 with Table 2's fit,
/// L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D, α_N = 0.076, α_D = 0.103, N_c = 6.4·10¹³, D_c = 1.8·10¹³. N counts
/// non-embedding parameters; the loss is in nats per token of WebText2 (not comparable with the Chinchilla laws' MassiveText).
/// </summary>
public sealed class Kaplan2020 : PublishedLaw
{
    private const double AlphaN = 0.076, AlphaD = 0.103, Nc = 6.4e13, Dc = 1.8e13;
    /// <summary>Eq. 6.7's coefficient and exponent, and one PF-day in FLOPs (§1.3).</summary>
    private const double TokensAtOnePfDay = 4e10, DataExponent = 0.26, PfDay = 8.64e19;

    public override string Key => "kaplan2020";
    public override string Citation => "Kaplan et al. 2020, Scaling Laws for Neural Language Models (arXiv 2001.08361), eq. 1.5 with Table 2, eq. 6.7";
    public override string Formula => "L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D; D = 4e10 tokens · (C/2 / PF-day)^0.26, N = C/6D";
    public override string Note => "N counts non-embedding parameters; loss in nats per WebText2 token; training at the critical batch size for one epoch";

    public override IReadOnlyList<PublishedLawReport.Parameter> Parameters =>
    [
        new("alphaN", AlphaN, null, "Table 2"), new("alphaD", AlphaD, null, "Table 2"), new("Nc", Nc, null, "Table 2"), new("Dc", Dc, null, "Table 2"),
        new("tokensAtOnePfDay", TokensAtOnePfDay, null, "eq. 6.7"), new("dataExponent", DataExponent, null, "eq. 6.7"),
    ];

    public override (double Parameters, double Tokens, double Loss) Optimal(double budget)
    {
        double tokens = TokensAtOnePfDay * Math.Pow(budget / 2 / PfDay, DataExponent);
        double parameters = budget / (6 * tokens);
        return (parameters, tokens, Loss(parameters, tokens));
    }

    /// <summary>Kaplan et al. 2020, eq. 1.5 with Table 2.</summary>
    public static double Loss(double parameters, double tokens) => Math.Pow(Math.Pow(Nc / parameters, AlphaN / AlphaD) + Dc / tokens, AlphaD);
}
