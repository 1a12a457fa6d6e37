//! Renders a signed credential (JSON) as an unsigned licence PDF:
//! `cargo run -p elicence-render --example render_pdf -- credential.json out.pdf`.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        return Err("usage: render_pdf credential.json out.pdf".into());
    };
    let forms = elicence_render::pdf::CredentialForms {
        json: Some(std::fs::read(input)?),
        jwt: None,
    };
    let pdf = elicence_render::pdf::render_pdf(
        &forms,
        elicence_qr_image::EcLevel::Q,
        false,
        time::OffsetDateTime::now_utc(),
    )?;
    std::fs::write(output, pdf)?;
    Ok(())
}
