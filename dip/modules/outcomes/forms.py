"""The survey form; its questions are translated centrally like every other string."""
from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.validators import InputRequired

from dip.core.forms import choices
from dip.core.once import OnceForm

QUESTIONS = {
    "daily_use": _l("How often do you use digital skills (computer, phone, internet) in your work "
                    "and personal life?"),
    "confidence": _l("How confident do you feel using a computer and the internet?"),
    "integrated": _l("Do you feel more integrated in your community because of your digital "
                     "skills?"),
    "self_employed": _l("Do you earn money from your own work now (freelance, a small business, "
                        "clients)?"),
    "income_change": _l("Compared with before the course, is your income…"),
}
DAILY_USE = [("daily", _l("Every day")), ("weekly", _l("Every week")),
             ("rarely", _l("Less than once a week")), ("never", _l("Never"))]
CONFIDENCE = [("1", _l("Not at all confident")), ("2", _l("A little confident")),
              ("3", _l("Somewhat confident")), ("4", _l("Confident")), ("5", _l("Very confident"))]
INTEGRATED = [("yes", _l("Yes")), ("somewhat", _l("A little")), ("no", _l("No"))]
YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
INCOME_CHANGE = [("higher", _l("Higher")), ("same", _l("About the same")), ("lower", _l("Lower")),
                 ("none", _l("I have no income"))]
KIND_TITLES = {"baseline": _l("Survey at the start of the course"),
               "endline": _l("Survey at the end of the course")}


class SurveyForm(OnceForm):
    """Baseline and endline share the same five questions, so the answers compare."""

    daily_use = RadioField(QUESTIONS["daily_use"], choices=choices(DAILY_USE),
                           validators=[InputRequired()])
    confidence = RadioField(QUESTIONS["confidence"], choices=choices(CONFIDENCE),
                            validators=[InputRequired()])
    integrated = RadioField(QUESTIONS["integrated"], choices=choices(INTEGRATED),
                            validators=[InputRequired()])
    self_employed = RadioField(QUESTIONS["self_employed"], choices=choices(YES_NO),
                               validators=[InputRequired()])
    income_change = RadioField(QUESTIONS["income_change"], choices=choices(INCOME_CHANGE),
                               validators=[InputRequired()])

    def answers(self) -> dict:
        """The answers as the service stores them."""
        return {"daily_use": self.daily_use.data, "confidence": int(self.confidence.data),
                "integrated": self.integrated.data,
                "self_employed": self.self_employed.data == "yes",
                "income_change": self.income_change.data}

    def fill_from(self, response) -> None:
        """Show a previous response's answers (editing updates the same response)."""
        self.daily_use.data = response.daily_use
        self.confidence.data = str(response.confidence)
        self.integrated.data = response.integrated
        self.self_employed.data = "yes" if response.self_employed else "no"
        self.income_change.data = response.income_change
