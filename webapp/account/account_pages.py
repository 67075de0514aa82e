from flask import Blueprint, render_template

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("/sign-in")
def sign_in():
    return render_template("sign_in.html")
