"""Rapport: the EFRO progress report for a period, as PDF and Excel, in one click (for a signed-in coordinator)."""

import pandas as pd
import streamlit as st

from dashboard.report import content
from dashboard.report.pdf import report_pdf
from dashboard.report.xlsx import report_xlsx
from dashboard.ui import loaders, shell, signin

st.title("Rapport")
st.caption("Het voortgangsrapport voor het EFRO e-loket en de stuurgroep: samenvatting, EFRO-outputindicatoren, "
           "een pagina per gemeente, methodologie en herkomst van de gegevens.")
region = shell.region_selector()
geography = shell.geography_selector(region)
if not signin.sidebar():
    signin.viewer_note("rapporten maken")
    st.stop()
default_start, default_end = content.default_period(pd.Timestamp.now())
start = st.date_input("Van", value=default_start.date(), format="DD/MM/YYYY", key="report_from")
end = st.date_input("Tot en met", value=default_end.date(), format="DD/MM/YYYY", key="report_to")
names = region.municipalities(geography).set_index("nis_code")["name_nl"].to_dict()
if not set(st.session_state.get("report_municipalities", [])) <= set(names):  # chosen in another region
    del st.session_state["report_municipalities"]
chosen = st.multiselect("Gemeenten", sorted(names, key=names.get), placeholder="Kies gemeenten",
                        default=content.default_municipalities(geography, region), format_func=names.get,
                        key="report_municipalities")
if not content.partners(geography, region):
    st.caption(f"{region.name} heeft geen KraK West-partners: zijn centrumsteden en grootste gemeenten staan klaar.")
baseline = st.date_input("Basislijn (laatste inventaris op of vóór)", value=content.PROJECT_START.date(),
                         format="DD/MM/YYYY", key="report_baseline")

if st.button("Rapport maken", type="primary", key="make_report", disabled=not chosen):
    with st.status("Rapport maken…", expanded=True) as status:
        st.write("Cijfers verzamelen")
        data = content.build_report(
            loaders.units(), loaders.campaign(), loaders.votes(), loaders.batches(), start=pd.Timestamp(start),
            end=pd.Timestamp(end), municipalities=chosen, baseline=pd.Timestamp(baseline),
            created=pd.Timestamp.now(), data_version=loaders.store().version(), geography=geography, region=region)
        st.write("PDF opmaken")
        st.session_state["report_pdf"] = report_pdf(data)
        st.write("Excel opmaken")
        st.session_state["report_xlsx"] = report_xlsx(data)
        st.session_state["report_name"] = f"efro_rapport_{start:%Y%m%d}_{end:%Y%m%d}"
        status.update(label="Rapport klaar", state="complete")
if "report_pdf" in st.session_state:
    left, right = st.columns(2)
    left.download_button("PDF downloaden", st.session_state["report_pdf"], mime="application/pdf",
                         file_name=f"{st.session_state['report_name']}.pdf", key="download_report_pdf")
    right.download_button("Excel downloaden", st.session_state["report_xlsx"],
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          file_name=f"{st.session_state['report_name']}.xlsx", key="download_report_xlsx")
