"""All tables; import from here so every model is registered on the one metadata.

The model modules keep their annotations as objects (no ``from __future__ import annotations``): as text,
SQLAlchemy would evaluate every column's annotation again when the models load, a sixth of their import
time, which every window start and command pays. Only names defined further down are quoted.
"""

from kpidesk.store.models.adjustments import Adjustment, Exemption, GradingWaiver
from kpidesk.store.models.audit import AuditEntry
from kpidesk.store.models.base import Base
from kpidesk.store.models.forms import AnsweredRater, FormRating, FormResponse, FormVersion
from kpidesk.store.models.kpis import Kpi, RawField
from kpidesk.store.models.measurements import Measurement
from kpidesk.store.models.organisation import GradeBand, GradeScale, Setting
from kpidesk.store.models.pay import PayBonus, PayBudget, PayRuleVersion, PayRun
from kpidesk.store.models.periods import Appeal, Appraisal, PeriodRecord
from kpidesk.store.models.results import Result, SignOff, Snapshot
from kpidesk.store.models.staff import Department, Employee, EmployeeMove, Position
from kpidesk.store.models.templates import Template, TemplateForm, TemplateItem
from kpidesk.store.models.users import ImportProfile, User

__all__ = [
    "Adjustment", "AnsweredRater", "Appeal", "Appraisal", "AuditEntry", "Base", "Department", "Employee", "EmployeeMove",
    "Exemption", "FormRating", "FormResponse", "FormVersion", "GradeBand", "GradeScale", "GradingWaiver", "ImportProfile",
    "Kpi", "Measurement", "PayBonus", "PayBudget", "PayRuleVersion", "PayRun", "PeriodRecord", "Position", "RawField", "Result", "Setting", "SignOff", "Snapshot",
    "Template", "TemplateForm", "TemplateItem", "User",
]
